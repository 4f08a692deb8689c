// Which run made a leak. Rally names a resource after its owner: the workload's uuid for what scenarios and
// contexts make while a task runs, the task's uuid for what validation makes (rally.task.engine passes the workload
// uuid as `owner_id`). The first 8 characters of either tie the leak to a service task of a run in the history.
// Rally's own database knows the tasks the history may not (a run whose record was lost, a task started by hand
// with the runner's Rally home); a task part that neither knows is not proven to be Rally's.
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HistoryStore, isRunId } from '../history/store.js';
import { parseCycleRecord, parseServiceResult } from '../history/record-schema.js';
import type { ServiceResult } from '../model.js';
import { SERVICE_NAMES } from '../services.js';
import type { Attribution } from './leak.js';
import { taskPrefixOf } from './names.js';

export type TaskIndex = Map<string, { runId: string; taskUuid: string }>;

const UUID_FIELD = /"uuid":\s*"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g;

/** The owner uuids in a Rally JSON report (task, subtasks, workloads); none when it is missing or unreadable. */
async function ownersInReport(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return [...text.matchAll(UUID_FIELD)].map((match) => match[1]!);
}

type ReportPath = (runId: string, service: ServiceResult['service']) => string;

/**
 * Builds the index from the runs' service results and their Rally reports. A finished run never changes, so what
 * was read once is kept.
 */
export class TaskIndexer {
  private readonly byRun = new Map<string, Array<[string, { runId: string; taskUuid: string }]>>();

  constructor(private readonly reportPath: ReportPath) {}

  async add(
    index: TaskIndex,
    runId: string,
    services: ReadonlyArray<Pick<ServiceResult, 'service' | 'taskUuid'>>,
    finished: boolean
  ): Promise<void> {
    let entries = this.byRun.get(runId);
    if (!entries) {
      entries = [];
      for (const { service, taskUuid } of services) {
        if (!taskUuid) continue;
        const owner = { runId, taskUuid };
        entries.push([taskPrefixOf(taskUuid), owner]);
        for (const uuid of await ownersInReport(this.reportPath(runId, service))) {
          entries.push([taskPrefixOf(uuid), owner]);
        }
      }
      if (finished) this.byRun.set(runId, entries);
    }
    for (const [prefix, owner] of entries) index.set(prefix, owner);
  }
}

const storeIndexers = new WeakMap<HistoryStore, TaskIndexer>();
const diskIndexers = new Map<string, TaskIndexer>();

/** From the open history store of the serving runner. */
export async function tasksOfStore(store: HistoryStore): Promise<TaskIndex> {
  let indexer = storeIndexers.get(store);
  if (!indexer) {
    indexer = new TaskIndexer((runId, service) => store.artifactPath(runId, service, 'json'));
    storeIndexers.set(store, indexer);
  }
  const index: TaskIndex = new Map();
  let cursor: string | undefined;
  do {
    const page = store.query({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const summary of page.items) await indexer.add(index, summary.id, store.get(summary.id)?.services ?? [], true);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return index;
}

/**
 * From the history folder, read only: the CLI must not open the store, whose recovery would close a cycle the
 * serving runner is still running. Unfinished cycles count through their per-service results.
 */
export async function tasksOnDisk(runsDir: string): Promise<TaskIndex> {
  let indexer = diskIndexers.get(runsDir);
  if (!indexer) {
    const paths = new HistoryStore(runsDir); // for its file naming only; never opened here
    indexer = new TaskIndexer((runId, service) => paths.artifactPath(runId, service, 'json'));
    diskIndexers.set(runsDir, indexer);
  }
  const index: TaskIndex = new Map();
  const ids = (await readdir(runsDir).catch(() => [] as string[])).filter(isRunId).sort();
  for (const id of ids) {
    const services: ServiceResult[] = [];
    const record = await readFile(join(runsDir, id, 'cycle.json'), 'utf8').catch(() => null);
    if (record !== null) {
      try {
        services.push(...parseCycleRecord(record).services);
      } catch {
        // An invalid record attributes nothing; the serving runner quarantines and reports it.
      }
    } else {
      for (const service of SERVICE_NAMES) {
        const text = await readFile(join(runsDir, id, `${service}.result.json`), 'utf8').catch(() => null);
        try {
          if (text) services.push(parseServiceResult(text));
        } catch {
          // As above.
        }
      }
    }
    await indexer.add(index, id, services, record !== null);
  }
  return index;
}

/** Task parts of every task, subtask, workload and verification in a Rally database. */
export type RallyTaskSet = ReadonlySet<string>;

/**
 * Reads the task parts Rally's own database knows, read only (rally.common.db.models: tables tasks, subtasks,
 * workloads and verifications, each with a `uuid`). No database yet (Rally never ran here) knows nothing. One that
 * cannot be read (locked past the timeout, corrupt, a Node without node:sqlite) knows nothing either, with a
 * warning: its leaks then count as unattributed, which is the safe side.
 */
export async function rallyTasksIn(dbPath: string, warn: (message: string) => void = () => {}): Promise<RallyTaskSet> {
  const prefixes = new Set<string>();
  if (
    !(await access(dbPath).then(
      () => true,
      () => false
    ))
  ) {
    return prefixes;
  }
  let db: import('node:sqlite').DatabaseSync | undefined;
  try {
    const { DatabaseSync } = await import('node:sqlite');
    // node:sqlite is synchronous: a short busy timeout, so a write Rally holds never stalls the runner's event loop.
    db = new DatabaseSync(dbPath, { readOnly: true, timeout: 250 });
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map(
        (row) => row.name
      )
    );
    for (const table of ['tasks', 'subtasks', 'workloads', 'verifications']) {
      if (!tables.has(table)) continue;
      for (const row of db.prepare(`SELECT uuid FROM ${table}`).all() as Array<{ uuid: unknown }>) {
        if (typeof row.uuid === 'string' && row.uuid !== '') prefixes.add(taskPrefixOf(row.uuid));
      }
    }
  } catch (error) {
    warn(
      `Rally's database ${dbPath} could not be read (${(error as Error).message}); leaks of its tasks count as unattributed`
    );
  } finally {
    db?.close();
  }
  return prefixes;
}

/** Whose a leak with this task part is proven to be (see Leak.attribution). */
export function attributionOf(taskPrefix: string, runs: TaskIndex, rallyTasks: RallyTaskSet): Attribution {
  if (runs.has(taskPrefix)) return 'run';
  if (rallyTasks.has(taskPrefix)) return 'rally-task';
  return 'unattributed';
}
