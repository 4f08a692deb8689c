// Which run made a leak: the task part of its name against the Rally task uuids the history recorded.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunId, type HistoryStore } from '../history/store.js';
import type { ServiceResult } from '../model.js';
import { SERVICE_NAMES } from '../services.js';
import { taskPrefixOf } from './names.js';

export type TaskIndex = Map<string, { runId: string; taskUuid: string }>;

function add(index: TaskIndex, runId: string, services: readonly Pick<ServiceResult, 'taskUuid'>[]): void {
  for (const service of services) {
    if (service.taskUuid) index.set(taskPrefixOf(service.taskUuid), { runId, taskUuid: service.taskUuid });
  }
}

/** From the open history store of the serving runner. */
export function tasksOfStore(store: HistoryStore): TaskIndex {
  const index: TaskIndex = new Map();
  let cursor: string | undefined;
  do {
    const page = store.query({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const summary of page.items) add(index, summary.id, store.get(summary.id)?.services ?? []);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return index;
}

/**
 * From the history folder, read only: the CLI must not open the store, whose recovery would close a cycle the
 * serving runner is still running. Unfinished cycles count through their per-service results.
 */
export async function tasksOnDisk(runsDir: string): Promise<TaskIndex> {
  const index: TaskIndex = new Map();
  const ids = (await readdir(runsDir).catch(() => [] as string[])).filter(isRunId).sort();
  for (const id of ids) {
    const services: Pick<ServiceResult, 'taskUuid'>[] = [];
    const record = await readFile(join(runsDir, id, 'cycle.json'), 'utf8').catch(() => null);
    if (record !== null) {
      try {
        services.push(...((JSON.parse(record) as { services?: ServiceResult[] }).services ?? []));
      } catch {
        // A corrupt record attributes nothing; the serving runner reports it.
      }
    } else {
      for (const service of SERVICE_NAMES) {
        const text = await readFile(join(runsDir, id, `${service}.result.json`), 'utf8').catch(() => null);
        try {
          if (text) services.push(JSON.parse(text) as ServiceResult);
        } catch {
          // As above.
        }
      }
    }
    add(index, id, services);
  }
  return index;
}
