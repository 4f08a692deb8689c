import type { ServiceName } from '../services.js';

/**
 * Whose the leak is proven to be: `run` when its task part is one of this runner's Rally tasks (or workloads),
 * `rally-task` when the runner's Rally database knows the task (a run the history lost, a task started by hand
 * against the same database), `unattributed` when nothing here ever ran such a task: a name that only looks like
 * Rally's, or another Rally's leak. A purge leaves unattributed leaks alone unless the request includes them.
 */
export type Attribution = 'run' | 'rally-task' | 'unattributed';

/** A Rally-named resource found in the cloud, as the API and the CLI show it. */
export interface Leak {
  service: ServiceName;
  type: string;
  id: string;
  name: string;
  project: string | null;
  /** The owning user, for resources scoped to a user (Nova keypairs). */
  userId: string | null;
  /** From the API; null when the API gives no creation time. */
  createdAt: string | null;
  /** When the monitor first saw it. */
  firstSeenAt: string;
  /** Since createdAt, or since firstSeenAt when the API gives no creation time. */
  ageSeconds: number;
  /** The 8-character task part of the name. */
  taskPrefix: string;
  /** The Rally task and the runner's run that made it, when known. */
  taskUuid: string | null;
  runId: string | null;
  attribution: Attribution;
}
