// One monitoring cycle: read the catalog, run one Rally task per tested service (so a crash in one never hides
// the others' results), keep each task's evidence, judge each service, and record the cycle.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { judgeRegressions } from './baseline.js';
import {
  cycleStatusOf,
  NO_ARTIFACTS,
  type Artifacts,
  type Cycle,
  type CycleTrigger,
  type MaintenanceNote,
  type ServiceResult,
} from './model.js';
import { authenticate, endpointsOf, KeystoneError, type KeystoneToken } from './openstack/keystone.js';
import { parseReport, ReportFormatError, type ParsedReport } from './rally/report.js';
import type { Rally } from './rally/rally.js';
import { rallyCredentials } from './rally/credentials.js';
import { needsImage, taskPlan } from './rally/task-args.js';
import { resolveImage, type ImageChoice } from './rally/image.js';
import { OpenStackSession } from './openstack/session.js';
import { preflightProblem } from './rally/preflight.js';
import { startValidatedTask } from './rally/validate.js';
import { serviceVerdict } from './rally/verdict.js';
import { plainReason } from './reason.js';
import { redact, redactDeep, redactFile } from './redact.js';
import type { HistoryStore } from './history/store.js';
import { CATALOG_TYPES, SERVICE_NAMES, type ServiceName } from './services.js';

export const DEFAULT_SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

// Rally logs "Finished workload 1/8 of subtask 1  (completed 1 of 8 in general)." after each workload.
const WORKLOAD_DONE = /completed (\d+) of (\d+) in general/;

export type ProgressEvent =
  | { kind: 'detected'; tested: ServiceName[]; absent: ServiceName[] }
  | { kind: 'service-start'; service: ServiceName; index: number; total: number }
  | { kind: 'workload-done'; service: ServiceName; completed: number; total: number }
  | { kind: 'service-done'; service: ServiceName; index: number; total: number; result: ServiceResult };

/**
 * Work that wraps every cycle, such as the cleanup monitor's before/after scan of Rally-named resources.
 * A hook that throws is logged and never fails the cycle.
 */
export interface CycleHooks {
  beforeCycle?(cycleId: string): Promise<void>;
  afterCycle?(cycle: Cycle): Promise<void>;
}

/** What a cycle needs of the maintenance windows: the one covering a service's task, if any. */
export interface MaintenanceLookup {
  noteFor(service: ServiceName, from: Date, to: Date): MaintenanceNote | null;
}

export interface CycleDeps {
  config: Config;
  /** The maintenance windows; a service whose task a window covers is recorded as `maintenance`. */
  maintenance?: MaintenanceLookup;
  hooks?: CycleHooks;
  /** Called as soon as the record is stored, before any hook, so readers never see a record without its metrics. */
  onRecorded?: (cycle: Cycle) => void;
  rally: Rally;
  store: HistoryStore;
  logger: Logger;
  secrets: readonly string[];
  scenariosDir?: string;
  authenticate?: (config: Config) => Promise<KeystoneToken>;
  /** How RALLY_NOVA_IMAGE is resolved against Glance (tests stand in for Glance here). */
  resolveImage?: (config: Config) => Promise<ImageChoice>;
}

/** RALLY_NOVA_IMAGE resolved against Glance with a session of its own (one listing, closed after). */
async function imageFromGlance(config: Config): Promise<ImageChoice> {
  const session = new OpenStackSession(config.openstack, { retries: 1 });
  try {
    return await resolveImage(config.novaImage, session);
  } finally {
    await session.close();
  }
}

/** What a task that boots no image gets: its file never reads the image. */
const NO_IMAGE_NEEDED: ImageChoice = { skip: 'this task boots no image' };

export interface CycleRequest {
  id: string;
  trigger: CycleTrigger;
  /** Aborted when the runner is stopping. */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

function seconds(fromMs: number, toMs: number): number {
  return Math.round(toMs - fromMs) / 1000;
}

function absent(service: ServiceName, reason: string): ServiceResult {
  return {
    service,
    state: 'absent',
    reason,
    taskUuid: null,
    taskStatus: null,
    rallyExitCode: null,
    startedAt: null,
    finishedAt: null,
    durationSeconds: null,
    artifacts: { ...NO_ARTIFACTS },
    workloads: [],
  };
}

function untested(service: ServiceName, state: 'fail' | 'error', reason: string, at: string): ServiceResult {
  return { ...absent(service, reason), state, startedAt: at, finishedAt: at, durationSeconds: 0 };
}

async function runHook(log: Logger, name: string, hook: () => Promise<void> | undefined): Promise<void> {
  try {
    await hook();
  } catch (error) {
    log.warn({ err: error, hook: name }, 'cycle hook failed; the cycle goes on');
  }
}

/**
 * What every stored or served result goes through: secrets masked in every string (a workload error parsed from
 * Rally's JSON holds the decoded password, which no text mask of the file saw) and the reason made one plain line.
 */
function cleanResult(result: ServiceResult, secrets: readonly string[]): ServiceResult {
  const masked = redactDeep(result, secrets);
  const workloads = masked.workloads.map((w) => (w.reason ? { ...w, reason: plainReason(w.reason) } : w));
  return { ...masked, ...(masked.reason ? { reason: plainReason(masked.reason) } : {}), workloads };
}

/**
 * A judged result whose task a maintenance window covered becomes `maintenance`, keeping Rally's verdict in
 * `underlying` and every piece of evidence (reason, workloads, artifacts) as it was.
 */
function underMaintenance(result: ServiceResult, deps: CycleDeps, cycleStart: string): ServiceResult {
  if (!deps.maintenance || (result.state !== 'pass' && result.state !== 'fail' && result.state !== 'error')) {
    return result;
  }
  const from = new Date(result.startedAt ?? cycleStart);
  const to = result.finishedAt ? new Date(result.finishedAt) : new Date();
  const note = deps.maintenance.noteFor(result.service, from, to);
  return note ? { ...result, state: 'maintenance', underlying: result.state, maintenance: note } : result;
}

export const KEYSTONE_UNREACHABLE = 'not tested: Keystone unreachable';

/**
 * Asks Keystone natively whether it still answers, after a task ended without passing: Rally reports a Keystone that
 * went away mid-cycle as every later task's own error ("One or several platforms are not available"), which pages
 * nobody. Returns why Keystone did not answer, or null when it answered (a refusal, HTTP 4xx, is an answer).
 */
async function keystoneSilence(deps: CycleDeps): Promise<string | null> {
  try {
    await (deps.authenticate ?? ((c: Config) => authenticate(c.openstack)))(deps.config);
    return null;
  } catch (error) {
    const status = error instanceof KeystoneError ? error.status : null;
    if (status !== null && status < 500) return null;
    return plainReason(redact((error as Error).message, deps.secrets));
  }
}

/** A task that ran no iteration (validation or setup failed) tested nothing of its service. */
function ranNothing(result: ServiceResult): boolean {
  return !result.workloads.some((w) => w.iterations > 0);
}

interface Plan {
  tested: ServiceName[];
  /** Services with an endpoint in the catalog, whether tested or not (scenario files adapt to them). */
  inCatalog: ServiceName[];
  results: Map<ServiceName, ServiceResult>;
  token: KeystoneToken | null;
}

/** Which services this cycle tests: the catalog decides, RALLY_MONITOR_SERVICES narrows, a scenario file is needed. */
async function plan(deps: CycleDeps, scenariosDir: string, at: string): Promise<Plan> {
  const { config } = deps;
  const results = new Map<ServiceName, ServiceResult>();
  let token: KeystoneToken;
  try {
    token = await (deps.authenticate ?? ((c: Config) => authenticate(c.openstack)))(config);
  } catch (error) {
    const reason = redact((error as Error).message, deps.secrets);
    // Without a catalog the services of the last cycle stand in, so a Keystone outage is not mistaken for them vanishing.
    const previous =
      deps.store
        .latest()
        ?.services.filter((s) => s.state !== 'absent')
        .map((s) => s.service) ?? [];
    for (const service of SERVICE_NAMES) {
      if (service === 'keystone') results.set(service, untested(service, 'fail', reason, at));
      else if (previous.includes(service)) {
        results.set(service, untested(service, 'error', `not tested: ${reason}`, at));
      } else results.set(service, absent(service, 'unknown: the catalog could not be read'));
    }
    return { tested: [], inCatalog: [], results, token: null };
  }
  const tested: ServiceName[] = [];
  const inCatalog: ServiceName[] = [];
  for (const service of SERVICE_NAMES) {
    const urls = endpointsOf(
      token.catalog,
      CATALOG_TYPES[service],
      config.openstack.interface,
      config.openstack.regionName
    );
    if (urls.length > 0) inCatalog.push(service);
    if (urls.length === 0) {
      results.set(
        service,
        absent(
          service,
          `not in the catalog (no ${config.openstack.interface} endpoint in ${config.openstack.regionName})`
        )
      );
    } else if (config.services && !config.services.includes(service)) {
      results.set(service, absent(service, 'not selected by RALLY_MONITOR_SERVICES'));
    } else if (!existsSync(join(scenariosDir, `${service}.yaml`))) {
      results.set(service, absent(service, `no scenario file ${service}.yaml`));
    } else {
      tested.push(service);
    }
  }
  return { tested, inCatalog, results, token };
}

export async function runCycle(deps: CycleDeps, request: CycleRequest): Promise<Cycle> {
  const { config, store, logger } = deps;
  const scenariosDir = deps.scenariosDir ?? DEFAULT_SCENARIOS_DIR;
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const log = logger.child({ cycle: request.id });
  await store.beginCycle({
    id: request.id,
    startedAt,
    trigger: request.trigger,
    cloud: config.cloudLabel,
    region: config.regionLabel,
  });

  const timeout = AbortSignal.timeout(config.runTimeoutSeconds * 1000);
  const stop = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;

  const { tested, results, token, inCatalog } = await plan(deps, scenariosDir, startedAt);
  request.onProgress?.({
    kind: 'detected',
    tested,
    absent: SERVICE_NAMES.filter((s) => results.get(s)?.state === 'absent'),
  });
  if (tested.length > 0) await runHook(log, 'beforeCycle', () => deps.hooks?.beforeCycle?.(request.id));

  let setupProblem: string | null = null;
  if (tested.length > 0) {
    try {
      // Rally takes names only: credentials given by id get the names of the runner's token (rally/credentials.ts).
      const credentials = await rallyCredentials(config.openstack, token, async (openstack) =>
        (deps.authenticate ?? ((c: Config) => authenticate(c.openstack)))({ ...config, openstack })
      );
      const outcome = await deps.rally.ensureEnvironment(credentials);
      log.debug({ environment: deps.rally.options.envName, outcome }, 'rally environment ready');
    } catch (error) {
      setupProblem = redact(`Rally environment could not be prepared: ${(error as Error).message}`, deps.secrets);
    }
  }

  // Resolved once per cycle, when the first task that boots it comes: Nova's and Cinder's get the same image.
  let image: Promise<ImageChoice> | null = null;
  const imageFor = (service: ServiceName): Promise<ImageChoice> => {
    if (!needsImage(config, service)) return Promise.resolve(NO_IMAGE_NEEDED);
    image ??= (deps.resolveImage ?? imageFromGlance)(config);
    return image;
  };

  let keystoneGone = false;
  for (const [index, service] of tested.entries()) {
    if (stop.aborted || setupProblem || keystoneGone) {
      const why =
        setupProblem ??
        (keystoneGone
          ? KEYSTONE_UNREACHABLE
          : timeout.aborted
            ? 'not tested: the cycle timed out before this service'
            : 'not tested: the runner was stopping');
      const result = cleanResult(untested(service, 'error', why, new Date().toISOString()), deps.secrets);
      results.set(service, result);
      await store.saveServiceResult(request.id, result);
      continue;
    }
    request.onProgress?.({ kind: 'service-start', service, index, total: tested.length });
    const endpointUrls = token
      ? endpointsOf(token.catalog, CATALOG_TYPES[service], config.openstack.interface, config.openstack.regionName)
      : [];
    const choice = await imageFor(service);
    const { args, skipped } = taskPlan(config, service, inCatalog, scenariosDir, choice);
    const problem =
      'error' in choice ? redact(choice.error, deps.secrets) : await preflightProblem(config, service, args);
    const ran = problem
      ? untested(service, 'error', problem, new Date().toISOString())
      : await runServiceTask(
          deps,
          request.id,
          service,
          join(scenariosDir, `${service}.yaml`),
          args,
          endpointUrls,
          stop,
          timeout,
          request.onProgress
        );
    let result: ServiceResult = { ...ran, ...(skipped.length > 0 ? { skipped } : {}) };
    const silence = result.state !== 'pass' && !stop.aborted ? await keystoneSilence(deps) : null;
    if (silence !== null) {
      keystoneGone = true;
      log.warn(
        { service, keystone: silence },
        'Keystone stopped answering during the cycle; the services after this one are not tested'
      );
      if (service === 'keystone' || result.state === 'error' || ranNothing(result)) {
        result =
          service === 'keystone'
            ? {
                ...result,
                state: 'fail',
                reason:
                  result.state === 'fail' ? result.reason : `Keystone stopped answering during the cycle: ${silence}`,
              }
            : { ...result, state: 'error', reason: KEYSTONE_UNREACHABLE };
      }
      const keystone = results.get('keystone');
      const keystoneVerdict = keystone?.state === 'maintenance' ? keystone.underlying : keystone?.state;
      if (service !== 'keystone' && keystone && keystoneVerdict !== 'absent' && keystoneVerdict !== 'fail') {
        const reason = `Keystone stopped answering during the cycle: ${silence}`;
        // In maintenance, Keystone stays so: its verdict underneath is what turns to fail.
        const failed = cleanResult(
          keystone.state === 'maintenance'
            ? { ...keystone, underlying: 'fail', reason }
            : { ...keystone, state: 'fail', reason },
          deps.secrets
        );
        results.set('keystone', failed);
        await store.saveServiceResult(request.id, failed);
      }
    }
    result = underMaintenance(cleanResult(result, deps.secrets), deps, startedAt);
    results.set(service, result);
    await store.saveServiceResult(request.id, result);
    log.info(
      {
        service,
        state: result.state,
        reason: result.reason,
        durationSeconds: result.durationSeconds,
        task: result.taskUuid,
      },
      'service task finished'
    );
    request.onProgress?.({ kind: 'service-done', service, index, total: tested.length, result });
  }

  const finished = Date.now();
  const services = SERVICE_NAMES.map((s) =>
    underMaintenance(cleanResult(results.get(s)!, deps.secrets), deps, startedAt)
  );
  const aborted = request.signal?.aborted ?? false;
  const status = aborted ? 'aborted' : timeout.aborted ? 'timeout' : cycleStatusOf(services);
  const reason = aborted
    ? 'the runner was stopped during this cycle'
    : timeout.aborted
      ? `the cycle exceeded RALLY_MONITOR_RUN_TIMEOUT (${config.runTimeoutSeconds} s)`
      : (setupProblem ?? undefined);
  const measured: Cycle = {
    id: request.id,
    cloud: config.cloudLabel,
    region: config.regionLabel,
    trigger: request.trigger,
    status,
    ...(reason ? { reason: plainReason(redact(reason, deps.secrets)) } : {}),
    startedAt,
    finishedAt: new Date(finished).toISOString(),
    durationSeconds: seconds(started, finished),
    services,
  };
  // Each action's p95 against its own history, before the record is written: the verdict is part of the record.
  const cycle = judgeRegressions(measured, store.all(), config.regressions);
  await store.finishCycle(cycle);
  deps.onRecorded?.(cycle);
  if (tested.length > 0) await runHook(log, 'afterCycle', () => deps.hooks?.afterCycle?.(cycle));
  log.info({ status, durationSeconds: cycle.durationSeconds, tested: tested.length }, 'cycle finished');
  return cycle;
}

async function runServiceTask(
  deps: CycleDeps,
  cycleId: string,
  service: ServiceName,
  taskFile: string,
  args: Record<string, unknown>,
  endpointUrls: string[],
  stop: AbortSignal,
  timeout: AbortSignal,
  onProgress?: (event: ProgressEvent) => void
): Promise<ServiceResult> {
  const { store, rally, secrets } = deps;
  const started = Date.now();
  const paths = {
    json: store.artifactPath(cycleId, service, 'json'),
    html: store.artifactPath(cycleId, service, 'html'),
    junit: store.artifactPath(cycleId, service, 'junit'),
    log: store.artifactPath(cycleId, service, 'log'),
  };
  // RALLY_MONITOR_RALLY_DEBUG: Rally's DEBUG records (HTTP calls included) in a file of their own, masked like the rest.
  const debugLog = deps.config.rallyDebug ? store.artifactPath(cycleId, service, 'debugLog') : null;
  const run = await startValidatedTask(rally, taskFile, args, {
    tag: cycleId,
    logFile: paths.log,
    ...(debugLog ? { debugLogFile: debugLog } : {}),
    signal: stop,
    onLine: (line) => {
      const done = WORKLOAD_DONE.exec(line);
      if (done) onProgress?.({ kind: 'workload-done', service, completed: Number(done[1]), total: Number(done[2]) });
    },
  });
  const artifacts: Artifacts = { ...NO_ARTIFACTS, log: true };
  let parsed: ParsedReport | null = null;
  let problem: string | null = null;
  if (run.taskUuid) {
    // Reports are exported even after a kill: whatever Rally recorded before it is still evidence.
    const exported = await rally.exportTask(run.taskUuid, paths);
    Object.assign(artifacts, { json: exported.json, html: exported.html, junit: exported.junit });
    if (exported.problems.length > 0) problem = exported.problems.join('; ');
    if (exported.json) {
      try {
        // Masked as values: the report's strings are decoded here, whatever escaping the file had.
        parsed = redactDeep(parseReport(await readFile(paths.json, 'utf8')), secrets);
      } catch (error) {
        if (!(error instanceof ReportFormatError)) throw error;
        problem = error.message;
      }
    }
  }
  await Promise.all(
    [...Object.values(paths), ...(debugLog ? [debugLog] : [])].map((path) => redactFile(path, secrets))
  );
  if (debugLog) artifacts.debugLog = existsSync(debugLog);
  const verdict = serviceVerdict({
    service,
    exitCode: run.exitCode,
    taskStatus: parsed?.taskStatus ?? null,
    workloads: parsed?.workloads ?? [],
    log: redact(run.output, secrets),
    endpointUrls,
    timedOut: timeout.aborted && run.killed,
    aborted: !timeout.aborted && run.killed,
  });
  const finished = Date.now();
  const reason = verdict.reason ?? (verdict.state !== 'pass' && problem ? problem : undefined);
  return {
    service,
    state: verdict.state,
    ...(reason ? { reason: plainReason(redact(reason, secrets)) } : {}),
    taskUuid: run.taskUuid,
    taskStatus: parsed?.taskStatus ?? null,
    rallyExitCode: run.exitCode,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationSeconds: seconds(started, finished),
    artifacts,
    workloads: parsed?.workloads ?? [],
    // The verdict stands on Rally's report and output, which the runner kept whole; only the log file is cut off.
    ...(run.logError
      ? { logProblem: plainReason(redact(`Rally's log could not be written completely: ${run.logError}`, secrets)) }
      : {}),
  };
}
