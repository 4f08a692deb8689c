// Purging leaks: which ones qualify (Rally-named and proven Rally's, in scope, older than the minimum age, from a
// service scanned in full and used by no service that could not be), and deleting them stage by stage so that
// nothing is deleted while something else still depends on it. Every outcome goes to the audit log.
import { z } from 'zod';
import type { OpenStackSession } from '../openstack/session.js';
import { mapLimited } from '../openstack/session.js';
import { redact } from '../redact.js';
import { SERVICE_NAMES, type ServiceName } from '../services.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { DEFAULT_REMOVE_MS, waitGone, type KindContext, type Listed, type ResourceKind } from './kind.js';
import { kindOf, RESOURCE_TYPES } from './kinds/index.js';
import type { Leak } from './leak.js';
import { usedBy } from './dependents.js';
import type { DeletionResult, LeftOut, PurgeScope, ServiceScan } from './report.js';
import { RUN_ID_PATTERN } from '../history/store.js';

export interface PurgeRequest {
  confirm: boolean;
  scope: PurgeScope;
}

const requestSchema = z.strictObject({
  confirm: z.boolean().optional(),
  services: z.array(z.enum(SERVICE_NAMES)).min(1).optional(),
  types: z
    .array(
      z.string().refine((t) => RESOURCE_TYPES.includes(t), { message: `must be one of ${RESOURCE_TYPES.join(', ')}` })
    )
    .min(1)
    .optional(),
  runId: z.string().regex(RUN_ID_PATTERN, 'must be a run id such as 20261122T001500Z-3fa2c1').optional(),
  ids: z.array(z.string().min(1).max(255)).min(1).max(10_000).optional(),
  includeUnattributed: z.boolean().optional(),
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
  return (
    (!scope.services || scope.services.includes(leak.service)) &&
    (!scope.types || scope.types.includes(leak.type)) &&
    (!scope.runId || leak.runId === scope.runId) &&
    (!scope.ids || scope.ids.includes(leak.id))
  );
}

export interface PurgePlan {
  /** In deletion order. */
  candidates: Leak[];
  /** In scope but younger than the minimum age. */
  tooYoung: Leak[];
  /** In scope, but not to be deleted whatever its age, with the reason. */
  leftOut: LeftOut[];
}

/** Why the leak may not be purged now, or null when it may. */
function leftOutBecause(
  leak: Leak,
  scope: PurgeScope,
  failed: ReadonlyMap<ServiceName, ServiceScan>
): Omit<LeftOut, 'leak'> | null {
  const own = failed.get(leak.service);
  if (own) {
    const types = own.types.filter((t) => t.state === 'failed').map((t) => t.type);
    return {
      reason: 'scan-failed',
      detail: `${leak.service} could not be listed in full (${types.join(', ') || own.error || 'unknown error'}), so what in it depends on this is unknown`,
    };
  }
  const unknown = usedBy(leak.service, leak.type).filter((service) => failed.has(service));
  if (unknown.length > 0) {
    return {
      reason: 'dependents-unknown',
      detail: `${unknown.join(', ')} could not be listed, and may still hold resources that use this ${leak.type}`,
    };
  }
  if (leak.attribution === 'unattributed' && !scope.includeUnattributed) {
    return {
      reason: 'unattributed',
      detail: `no Rally task of this runner or of its Rally database has the task part ${leak.taskPrefix}, so it is not proven to be Rally's; include it with includeUnattributed (CLI: --include-unattributed)`,
    };
  }
  return null;
}

/**
 * What a purge of `scope` may delete, given the scan's leaks and its per-service state. Plans only from services
 * scanned in full, never touches what a failed service may still use, and leaves unattributed leaks out unless the
 * scope includes them.
 */
export function planPurge(
  leaks: readonly Leak[],
  scope: PurgeScope,
  minAgeSeconds: number,
  services: readonly ServiceScan[]
): PurgePlan {
  const failed = new Map(services.filter((s) => s.state === 'failed').map((s) => [s.service, s]));
  const stage = (leak: Leak) => kindOf(leak.type)?.stage ?? Number.MAX_SAFE_INTEGER;
  const plan: PurgePlan = { candidates: [], tooYoung: [], leftOut: [] };
  for (const leak of leaks) {
    if (!inScope(leak, scope)) continue;
    const because = leftOutBecause(leak, scope, failed);
    if (because) plan.leftOut.push({ leak, ...because });
    else if (leak.ageSeconds < minAgeSeconds) plan.tooYoung.push(leak);
    else plan.candidates.push(leak);
  }
  plan.candidates.sort((a, b) => stage(a) - stage(b));
  return plan;
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
  const stages = new Map<number, Array<{ kind: ResourceKind; leak: Leak }>>();
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
