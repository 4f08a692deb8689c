// The shape of a stored cycle record (model.ts), checked whenever a record is read from disk: a record that parses
// as JSON but is not a cycle (a hand edit, a partial restore, a bug in an older runner) must never reach the API,
// the metrics or the cleanup monitor, where one `null` in `services` turned every read into a 500.
import { z } from 'zod';
import type { ActionBaseline, Cycle, ServiceResult } from '../model.js';
import { BASELINE_VERDICTS, CYCLE_STATUSES } from '../model.js';
import { SERVICE_NAMES } from '../services.js';

const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a time');
const nonNegative = z.number().finite().nonnegative();

const stats = z.object({
  count: nonNegative,
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  max: z.number(),
  mean: z.number(),
});

const seconds = nonNegative.nullable();

// Optional: records written before slow-down detection have none, and load as they are.
const actionBaseline = z.object({
  verdict: z.enum(BASELINE_VERDICTS as [ActionBaseline['verdict'], ...Array<ActionBaseline['verdict']>]),
  samples: nonNegative,
  medianSeconds: seconds,
  spreadSeconds: seconds,
  thresholdSeconds: seconds,
  slowCycles: nonNegative,
});

const workload = z.object({
  subtask: z.string(),
  scenario: z.string(),
  key: z.string(),
  state: z.enum(['pass', 'fail', 'error']),
  reason: z.string().optional(),
  iterations: nonNegative,
  failedIterations: nonNegative,
  passSla: z.boolean(),
  sla: z.array(z.object({ criterion: z.string(), success: z.boolean(), detail: z.string() })),
  startedAt: time.nullable(),
  loadDurationSeconds: z.number(),
  fullDurationSeconds: z.number(),
  durationSeconds: stats.nullable(),
  atomicActions: z.array(
    z.object({
      name: z.string(),
      count: nonNegative,
      failures: nonNegative,
      durationSeconds: stats.nullable(),
      baseline: actionBaseline.optional(),
    })
  ),
  errors: z.array(z.object({ type: z.string(), message: z.string(), traceback: z.string(), count: nonNegative })),
});

export const serviceResultSchema = z.object({
  service: z.enum(SERVICE_NAMES),
  state: z.enum(['pass', 'fail', 'error', 'absent', 'maintenance']),
  reason: z.string().optional(),
  taskUuid: z.string().nullable(),
  taskStatus: z.string().nullable(),
  rallyExitCode: z.number().int().nullable(),
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  durationSeconds: z.number().nullable(),
  artifacts: z.object({
    json: z.boolean(),
    html: z.boolean(),
    junit: z.boolean(),
    log: z.boolean(),
    debugLog: z.boolean().optional(),
  }),
  workloads: z.array(workload),
  skipped: z.array(z.object({ scenario: z.string(), reason: z.string() })).optional(),
  logProblem: z.string().optional(),
  // Records from before maintenance windows have neither; both are there when state is `maintenance`.
  underlying: z.enum(['pass', 'fail', 'error']).optional(),
  maintenance: z.object({ id: z.string(), reason: z.string(), start: time, end: time }).optional(),
});

export const cycleSchema = z.object({
  id: z.string(),
  cloud: z.string(),
  region: z.string(),
  trigger: z.enum(['schedule', 'api', 'cli', 'recovery']),
  status: z.enum(CYCLE_STATUSES as [Cycle['status'], ...Array<Cycle['status']>]),
  reason: z.string().optional(),
  startedAt: time,
  finishedAt: time,
  durationSeconds: z.number(),
  services: z.array(serviceResultSchema),
});

// The schema and the model must describe the same thing: these fail to compile when one changes without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const cycleMatchesModel: Same<z.infer<typeof cycleSchema>, Cycle> = true;
const resultMatchesModel: Same<z.infer<typeof serviceResultSchema>, ServiceResult> = true;
void cycleMatchesModel;
void resultMatchesModel;

/** What is wrong with a value read as a record, in one line (`services.0: ...`), or null when it is valid. */
function problemOf(schema: z.ZodType, value: unknown): string | null {
  const checked = schema.safeParse(value);
  if (checked.success) return null;
  const issue = checked.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : 'record';
  const more = checked.error.issues.length > 1 ? ` (and ${checked.error.issues.length - 1} more)` : '';
  return `${where}: ${issue.message}${more}`;
}

export class InvalidRecordError extends Error {}

/** Parses a stored cycle record; throws InvalidRecordError saying what is wrong. Unknown fields are kept as they are. */
export function parseCycleRecord(text: string): Cycle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRecordError(`not JSON: ${(error as Error).message}`);
  }
  const problem = problemOf(cycleSchema, value);
  if (problem) throw new InvalidRecordError(problem);
  return value as Cycle;
}

/** Parses a stored per-service result of an unfinished cycle; throws InvalidRecordError saying what is wrong. */
export function parseServiceResult(text: string): ServiceResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRecordError(`not JSON: ${(error as Error).message}`);
  }
  const problem = problemOf(serviceResultSchema, value);
  if (problem) throw new InvalidRecordError(problem);
  return value as ServiceResult;
}
