// Purging leaks: which ones qualify (Rally-named, in scope, older than the minimum age), and deleting them stage by
// stage so that nothing is deleted while something else still depends on it. Every outcome goes to the audit log.
import { z } from 'zod';
import type { OpenStackSession } from '../openstack/session.js';
import { mapLimited } from '../openstack/session.js';
import { redact } from '../redact.js';
import { SERVICE_NAMES, type ServiceName } from '../services.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { DEFAULT_REMOVE_MS, waitGone, type KindContext, type Listed, type ResourceKind } from './kind.js';
import { kindOf, RESOURCE_TYPES } from './kinds/index.js';
import type { Leak } from './leak.js';
import type { DeletionResult, PurgeScope } from './report.js';
import { RUN_ID_PATTERN } from '../history/store.js';


export interface PurgeRequest {
  confirm: boolean;
  scope: PurgeScope;
}

const requestSchema = z.strictObject({
  confirm: z.boolean().optional(),
  services: z.array(z.enum(SERVICE_NAMES)).min(1).optional(),
  types: z.array(z.string().refine((t) => RESOURCE_TYPES.includes(t), { message: `must be one of ${RESOURCE_TYPES.join(', ')}` })).min(1).optional(),
  runId: z.string().regex(RUN_ID_PATTERN, 'must be a run id such as 20261122T001500Z-3fa2c1').optional(),
  ids: z.array(z.string().min(1).max(255)).min(1).max(10_000).optional(),
});

export class PurgeRequestError extends Error {}

/** Validates a purge request body; anything unexpected is refused with the reason, never guessed at. */
export function parsePurgeRequest(body: unknown): PurgeRequest {
  const result = requestSchema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw new PurgeRequestError(`malformed purge request: ${where} ${issue.message}`);
  }
  const { confirm, ...scope } = result.data;
  return { confirm: confirm ?? false, scope };
}

export function inScope(leak: Leak, scope: PurgeScope): boolean {
  return (!scope.services || scope.services.includes(leak.service))
    && (!scope.types || scope.types.includes(leak.type))
    && (!scope.runId || leak.runId === scope.runId)
    && (!scope.ids || scope.ids.includes(leak.id));
}

export interface PurgePlan {
  /** In deletion order. */
  candidates: Leak[];
  /** In scope but younger than the minimum age. */
  tooYoung: Leak[];
}

export function planPurge(leaks: readonly Leak[], scope: PurgeScope, minAgeSeconds: number): PurgePlan {
  const scoped = leaks.filter((leak) => inScope(leak, scope));
  const stage = (leak: Leak) => kindOf(leak.type)?.stage ?? Number.MAX_SAFE_INTEGER;
  return {
    candidates: scoped.filter((leak) => leak.ageSeconds >= minAgeSeconds).sort((a, b) => stage(a) - stage(b)),
    tooYoung: scoped.filter((leak) => leak.ageSeconds < minAgeSeconds),
  };
}


export interface PurgeDeps {
  session: OpenStackSession;
  contextOf: (service: ServiceName) => KindContext | null;
  /** Where intents and outcomes go; only `append` is used. */
  audit: Pick<AuditLog, 'append'>;
  trigger: 'api' | 'cli';
  secrets: readonly string[];
  /** How long one deletion may take: emptying a container, waiting for a server or volume to go. */
  waitMs?: number;
  onResult?: (result: DeletionResult) => void;
}

function asListed(leak: Leak): Listed {
  return { id: leak.id, name: leak.name, project: leak.project, userId: leak.userId, createdAt: leak.createdAt };
}

async function deleteOne(deps: PurgeDeps, kind: ResourceKind, leak: Leak): Promise<DeletionResult> {
  const context = deps.contextOf(kind.service);
  const waitMs = deps.waitMs ?? DEFAULT_REMOVE_MS;
  try {
    if (!context) throw new Error(`${kind.service} is no longer in the catalog`);
    await kind.remove(context, asListed(leak), { deadline: Date.now() + waitMs });
    if (kind.pollUrl) await waitGone(deps.session, kind.pollUrl(context, asListed(leak)), {}, waitMs);
    return { leak, outcome: 'deleted' };
  } catch (error) {
    return { leak, outcome: 'failed', error: redact((error as Error).message, deps.secrets).slice(0, 500) };
  }
}

function auditEntry(deps: PurgeDeps, leak: Leak, outcome: AuditEntry['outcome'], error?: string): AuditEntry {
  return {
    at: new Date().toISOString(),
    outcome,
    service: leak.service,
    type: leak.type,
    id: leak.id,
    name: leak.name,
    project: leak.project,
    runId: leak.runId,
    taskPrefix: leak.taskPrefix,
    trigger: deps.trigger,
    ...(error ? { error } : {}),
  };
}

export interface PurgeExecution {
  /** One per deletion attempted, in deletion order. */
  results: DeletionResult[];
  /** Why the purge stopped before its end (the audit log could not be written); null when it ran to the end. */
  stopped: string | null;
}

/**
 * Deletes the candidates stage by stage (a few at a time within a stage). Each deletion is audited twice: its
 * intent ("deleting") is on disk before the DELETE is sent, its outcome after. Nothing is deleted unaudited: when a
 * record cannot be written, no further deletion starts (in any worker), and the purge says it stopped and why.
 */
export async function executePurge(deps: PurgeDeps, candidates: readonly Leak[]): Promise<PurgeExecution> {
  const stages = new Map<number, { kind: ResourceKind; leak: Leak }[]>();
  for (const leak of candidates) {
    const kind = kindOf(leak.type);
    if (!kind) continue;
    stages.set(kind.stage, [...(stages.get(kind.stage) ?? []), { kind, leak }]);
  }
  const results: DeletionResult[] = [];
  let stopped: string | null = null;
  const auditFailed = (error: unknown) => {
    stopped ??= `the audit log could not be written (${redact((error as Error).message, deps.secrets).slice(0, 300)}); nothing more was deleted`;
  };
  for (const stage of [...stages.keys()].sort((a, b) => a - b)) {
    if (stopped) break;
    const outcomes = await mapLimited(stages.get(stage)!, 4, async ({ kind, leak }): Promise<DeletionResult | null> => {
      if (stopped) return null;
      try {
        await deps.audit.append(auditEntry(deps, leak, 'deleting'));
      } catch (error) {
        auditFailed(error);
        return null;
      }
      // Another worker's record may have failed while this intent was being written.
      if (stopped) return null;
      const result = await deleteOne(deps, kind, leak);
      deps.onResult?.(result);
      await deps.audit.append(auditEntry(deps, leak, result.outcome, result.error)).catch(auditFailed);
      return result;
    });
    results.push(...outcomes.filter((result) => result !== null));
  }
  return { results, stopped };
}
