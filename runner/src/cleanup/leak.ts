import type { ServiceName } from '../services.js';

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
}
