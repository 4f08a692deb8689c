import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../../src/history/atomic.js';
import { HistoryStore, isRunId, newRunId } from '../../src/history/store.js';
import type { Cycle, ServiceResult } from '../../src/model.js';
import { NO_ARTIFACTS } from '../../src/model.js';
import { tasksOfStore, tasksOnDisk } from '../../src/cleanup/tasks.js';
import { REPO_DIR, tempDir } from '../helpers.js';

function serviceResult(state: ServiceResult['state']): ServiceResult {
  return {
    service: 'keystone',
    state,
    taskUuid: null,
    taskStatus: 'finished',
    rallyExitCode: 0,
    startedAt: null,
    finishedAt: null,
    durationSeconds: 1,
    artifacts: { ...NO_ARTIFACTS },
    workloads: [],
  };
}

function cycleAt(at: Date, status: Cycle['status'] = 'pass'): Cycle {
  const iso = at.toISOString();
  return {
    id: newRunId(at),
    cloud: 'c',
    region: 'r',
    trigger: 'schedule',
    status,
    startedAt: iso,
    finishedAt: iso,
    durationSeconds: 1,
    services: [serviceResult(status === 'fail' ? 'fail' : 'pass')],
  };
}

describe('writeFileAtomic', () => {
  it('replaces the whole file and leaves no temporary file behind', async () => {
    const dir = await tempDir();
    const target = join(dir, 'record.json');
    await writeFile(target, 'old');
    await writeFileAtomic(target, 'new content');
    assert.equal(await readFile(target, 'utf8'), 'new content');
    assert.deepEqual(await readdir(dir), ['record.json']);
  });

  it('leaves the old content when the write cannot complete', async () => {
    const dir = await tempDir();
    const target = join(dir, 'record.json');
    await writeFile(target, 'old');
    await assert.rejects(writeFileAtomic(join(dir, 'missing-dir', 'record.json'), 'x'));
    assert.equal(await readFile(target, 'utf8'), 'old');
  });
});

describe('HistoryStore', () => {
  it('makes ids that sort by time and validates them before any path is built', async () => {
    const early = newRunId(new Date('2026-01-01T00:00:00Z'));
    const late = newRunId(new Date('2026-01-02T00:00:00Z'));
    assert.ok(isRunId(early) && early < late);
    assert.match(early, /^20260101T000000Z-[0-9a-f]{6}$/);
    const store = new HistoryStore(await tempDir());
    assert.throws(() => store.runDir('../../etc'), /invalid run id/);
    assert.throws(() => store.artifactPath('20260101T000000Z-abcdeg', 'keystone', 'html'), /invalid run id/);
  });

  it('reads back what it recorded after a restart', async () => {
    const root = await tempDir();
    const store = new HistoryStore(root);
    await store.open();
    const older = cycleAt(new Date(Date.now() - 60_000));
    const newer = cycleAt(new Date(), 'fail');
    await store.finishCycle(older);
    await store.finishCycle(newer);
    const reopened = new HistoryStore(root);
    assert.deepEqual(await reopened.open(), { loaded: 2, corrupt: 0, recovered: 0 });
    assert.equal(reopened.latest()?.id, newer.id);
    assert.deepEqual(reopened.get(older.id), older);
  });

  it('quarantines a record that is valid JSON but not a valid cycle, once, and serves the rest', async () => {
    const root = await tempDir();
    const store = new HistoryStore(root);
    await store.open();
    const good = cycleAt(new Date());
    await store.finishCycle(good);
    const bad: Array<[string, unknown]> = [
      ['services [null]', { ...cycleAt(new Date(Date.now() - 3000)), services: [null] }],
      [
        'state green',
        { ...cycleAt(new Date(Date.now() - 2000)), services: [{ ...serviceResult('pass'), state: 'green' }] },
      ],
      ['a number', 42],
    ];
    const ids: string[] = [];
    for (const [index, [, value]] of bad.entries()) {
      const id = (value as { id?: string }).id ?? newRunId(new Date(Date.now() - 10_000 - index));
      ids.push(id);
      await mkdir(join(root, id));
      await writeFile(join(root, id, 'cycle.json'), JSON.stringify(value));
    }
    // The cleanup CLI reads the history without opening the store: it skips them too.
    await tasksOnDisk(root);
    const warnings: string[] = [];
    const reopened = new HistoryStore(root, (message, details) =>
      warnings.push(`${message} ${JSON.stringify(details)}`)
    );
    const opened = await reopened.open();
    assert.equal(opened.loaded, 1);
    assert.equal(opened.corrupt, 3);
    assert.equal(reopened.quarantined, 3);
    assert.equal(warnings.length, 3, 'one line per bad record');
    assert.match(warnings.join('\n'), /services\.0/, 'the warning says which field is wrong');
    for (const id of ids) {
      assert.ok(!existsSync(join(root, id)), `${id} moved out of the history`);
      assert.ok(existsSync(join(root, '.quarantine', id, 'cycle.json')), `${id} kept for a person to look at`);
    }
    // The history and the cleanup monitor's task index read only valid records.
    assert.deepEqual(
      reopened.query({ limit: 50 }).items.map((c) => c.id),
      [good.id]
    );
    await tasksOfStore(reopened);
    const again: string[] = [];
    assert.deepEqual(await new HistoryStore(root, (m) => again.push(m)).open(), {
      loaded: 1,
      corrupt: 0,
      recovered: 0,
    });
    assert.deepEqual(again, [], 'logged once: a quarantined record is not read again');
  });

  it('quarantines an interrupted cycle whose service result is not a valid result', async () => {
    const root = await tempDir();
    const id = newRunId();
    const store = new HistoryStore(root);
    await store.open();
    await store.beginCycle({ id, startedAt: new Date().toISOString(), trigger: 'api', cloud: 'c', region: 'r' });
    await store.saveServiceResult(id, serviceResult('pass'));
    await writeFile(
      join(root, id, 'nova.result.json'),
      JSON.stringify({ service: 'nova', state: 'pass', workloads: [null] })
    );
    const reopened = new HistoryStore(root);
    await reopened.open();
    const cycle = reopened.get(id)!;
    assert.deepEqual(
      cycle.services.map((s) => s.service),
      ['keystone'],
      'the invalid result is left out'
    );
    assert.ok(existsSync(join(root, '.quarantine', `${id}.nova.result.json`)));
    assert.equal(reopened.quarantined, 1);
  });

  it('recovers an interrupted cycle into a valid record even when its running marker has fields of the wrong type', async () => {
    const root = await tempDir();
    const id = newRunId();
    await mkdir(join(root, id));
    await writeFile(
      join(root, id, 'running.json'),
      JSON.stringify({ id, startedAt: 5, trigger: 'nonsense', cloud: null, region: ['r'] })
    );
    const store = new HistoryStore(root);
    assert.deepEqual(await store.open(), { loaded: 1, corrupt: 0, recovered: 1 });
    const reopened = new HistoryStore(root);
    assert.deepEqual(
      await reopened.open(),
      { loaded: 1, corrupt: 0, recovered: 0 },
      'the recovered record is valid when read again'
    );
    assert.equal(reopened.get(id)?.trigger, 'recovery');
  });

  it('accepts every record the real runner wrote (recorded API fixtures)', async () => {
    const dir = join(REPO_DIR, 'test/fixtures/runner-api');
    const files = [
      ...(await readdir(dir)).map((f) => join(dir, f)),
      ...(await readdir(join(dir, 'seven-services'))).map((f) => join(dir, 'seven-services', f)),
    ].filter((f) => /\/run-.*\.json$/.test(f));
    assert.ok(files.length >= 2);
    for (const file of files) {
      const cycle = JSON.parse(await readFile(file, 'utf8')) as Cycle;
      const root = await tempDir();
      await mkdir(join(root, cycle.id));
      await writeFile(join(root, cycle.id, 'cycle.json'), JSON.stringify(cycle));
      const store = new HistoryStore(root, (m, d) => assert.fail(`${file}: ${m} ${JSON.stringify(d)}`));
      assert.deepEqual(await store.open(), { loaded: 1, corrupt: 0, recovered: 0 }, file);
    }
  });

  it('loads a record whose actions carry a baseline, and quarantines one whose baseline is malformed', async () => {
    const real = JSON.parse(
      await readFile(join(REPO_DIR, 'runner/test/fixtures/regressions/normal-1.cycle.json'), 'utf8')
    ) as Cycle;
    const withBaseline = (at: Date, baseline: unknown): Cycle => {
      const cycle = structuredClone({ ...real, id: newRunId(at) });
      const action = cycle.services.find((s) => s.service === 'glance')!.workloads[0]!.atomicActions[0]!;
      (action as { baseline?: unknown }).baseline = baseline;
      return cycle;
    };
    const good = withBaseline(new Date(Date.now() - 5000), {
      verdict: 'slow',
      samples: 4,
      medianSeconds: 2.2,
      spreadSeconds: 0.1,
      thresholdSeconds: 3.3,
      slowCycles: 1,
    });
    const bad = [
      withBaseline(new Date(Date.now() - 4000), { verdict: 'faster', samples: 4, slowCycles: 0 }),
      withBaseline(new Date(Date.now() - 3000), {
        verdict: 'usual',
        samples: -1,
        medianSeconds: null,
        spreadSeconds: null,
        thresholdSeconds: null,
        slowCycles: 0,
      }),
    ];
    const root = await tempDir();
    for (const cycle of [good, ...bad]) {
      await mkdir(join(root, cycle.id));
      await writeFile(join(root, cycle.id, 'cycle.json'), JSON.stringify(cycle));
    }
    const warnings: string[] = [];
    const store = new HistoryStore(root, (message, details) => warnings.push(`${message} ${JSON.stringify(details)}`));
    assert.deepEqual(await store.open(), { loaded: 1, corrupt: 2, recovered: 0 });
    assert.deepEqual(store.get(good.id), good);
    assert.match(warnings.join('\n'), /atomicActions\.0\.baseline/);
  });

  it('creates the data directory 0700 and its records 0600 whatever the umask', async () => {
    const previous = process.umask(0o022);
    try {
      const data = join(await tempDir(), 'data');
      const store = new HistoryStore(join(data, 'runs'));
      await store.open();
      const cycle = cycleAt(new Date());
      await store.beginCycle({ id: cycle.id, startedAt: cycle.startedAt, trigger: 'api', cloud: 'c', region: 'r' });
      await store.saveServiceResult(cycle.id, serviceResult('pass'));
      const result = await stat(join(store.runDir(cycle.id), 'keystone.result.json'));
      assert.equal(result.mode & 0o777, 0o600, 'service result');
      await store.finishCycle(cycle);
      for (const dir of [data, store.root, store.runDir(cycle.id)]) {
        assert.equal((await stat(dir)).mode & 0o777, 0o700, dir);
      }
      assert.equal((await stat(join(store.runDir(cycle.id), 'cycle.json'))).mode & 0o777, 0o600, 'cycle record');
    } finally {
      process.umask(previous);
    }
  });

  it('skips a corrupt record with a warning instead of crashing', async () => {
    const root = await tempDir();
    const good = cycleAt(new Date());
    const store = new HistoryStore(root);
    await store.open();
    await store.finishCycle(good);
    const brokenId = newRunId(new Date(Date.now() - 1000));
    await mkdir(join(root, brokenId));
    await writeFile(join(root, brokenId, 'cycle.json'), '{"id": "trunc');
    const warnings: string[] = [];
    const reopened = new HistoryStore(root, (message, details) =>
      warnings.push(`${message} ${JSON.stringify(details)}`)
    );
    assert.deepEqual(await reopened.open(), { loaded: 1, corrupt: 1, recovered: 0 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(brokenId));
    assert.ok(
      existsSync(join(root, '.quarantine', brokenId, 'cycle.json')),
      'the corrupt record is kept for a person to look at'
    );
  });

  it('closes a cycle interrupted by a kill as aborted, keeping the services that finished', async () => {
    const root = await tempDir();
    const store = new HistoryStore(root);
    await store.open();
    const id = newRunId();
    await store.beginCycle({ id, startedAt: new Date().toISOString(), trigger: 'api', cloud: 'c', region: 'r' });
    await store.saveServiceResult(id, serviceResult('pass'));
    const reopened = new HistoryStore(root);
    assert.deepEqual(await reopened.open(), { loaded: 1, corrupt: 0, recovered: 1 });
    const cycle = reopened.get(id)!;
    assert.equal(cycle.status, 'aborted');
    assert.equal(cycle.trigger, 'api');
    assert.deepEqual(
      cycle.services.map((s) => [s.service, s.state]),
      [['keystone', 'pass']]
    );
    assert.equal(reopened.latest(), null, 'an aborted cycle is not the current state');
    assert.ok(!existsSync(join(root, id, 'running.json')));
    assert.deepEqual(
      await new HistoryStore(root).open(),
      { loaded: 1, corrupt: 0, recovered: 0 },
      'recovered once, then an ordinary record'
    );
  });

  it('prunes cycles past the retention with their reports, and keeps the rest', async () => {
    const root = await tempDir();
    const store = new HistoryStore(root);
    await store.open();
    const now = new Date('2026-11-22T12:00:00Z');
    const old = cycleAt(new Date('2026-11-10T12:00:00Z'));
    const recent = cycleAt(new Date('2026-11-20T12:00:00Z'));
    await store.finishCycle(old);
    await store.finishCycle(recent);
    await writeFile(store.artifactPath(old.id, 'keystone', 'html'), '<html>');
    const strayId = newRunId(new Date('2026-11-01T00:00:00Z'));
    await mkdir(join(root, strayId));
    await utimes(join(root, strayId), new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
    const pruned = await store.prune(7, now);
    assert.equal(pruned.removed, 2);
    assert.deepEqual(pruned.taskUuids, [], 'the pruned cycles ran no Rally task');
    assert.deepEqual((await readdir(root)).sort(), [recent.id]);
    assert.equal(store.get(old.id), null);
    assert.equal(store.count(), 1);
  });

  it("says which Rally tasks the pruned cycles ran, so they leave Rally's database too", async () => {
    const root = await tempDir();
    const store = new HistoryStore(root);
    await store.open();
    const now = new Date('2026-11-22T12:00:00Z');
    const uuid = (n: number) => `0000000${n}-1111-2222-3333-444444444444`;
    const old = {
      ...cycleAt(new Date('2026-11-10T12:00:00Z')),
      services: [
        { ...serviceResult('pass'), taskUuid: uuid(1) },
        { ...serviceResult('fail'), service: 'nova' as const, taskUuid: uuid(2) },
      ],
    };
    const recent = {
      ...cycleAt(new Date('2026-11-20T12:00:00Z')),
      services: [{ ...serviceResult('pass'), taskUuid: uuid(3) }],
    };
    await store.finishCycle(old);
    await store.finishCycle(recent);
    const pruned = await store.prune(7, now);
    assert.deepEqual(pruned, { removed: 1, taskUuids: [uuid(1), uuid(2)] });
  });

  it('pages the history newest first, filtered by time, service and state', async () => {
    const store = new HistoryStore(await tempDir());
    await store.open();
    const base = Date.parse('2026-11-22T00:00:00Z');
    const cycles = [0, 1, 2, 3, 4].map((i) => cycleAt(new Date(base + i * 3_600_000), i === 2 ? 'fail' : 'pass'));
    for (const c of cycles) await store.finishCycle(c);
    const page1 = store.query({ limit: 2 });
    assert.deepEqual(
      page1.items.map((c) => c.id),
      [cycles[4]!.id, cycles[3]!.id]
    );
    assert.equal(page1.total, 5);
    const page2 = store.query({ limit: 2, cursor: page1.nextCursor! });
    assert.deepEqual(
      page2.items.map((c) => c.id),
      [cycles[2]!.id, cycles[1]!.id]
    );
    const page3 = store.query({ limit: 2, cursor: page2.nextCursor! });
    assert.deepEqual(
      page3.items.map((c) => c.id),
      [cycles[0]!.id]
    );
    assert.equal(page3.nextCursor, null);
    const ranged = store.query({ limit: 50, from: new Date(base + 3_600_000), to: new Date(base + 3 * 3_600_000) });
    assert.deepEqual(
      ranged.items.map((c) => c.id),
      [cycles[3]!.id, cycles[2]!.id, cycles[1]!.id]
    );
    assert.deepEqual(
      store.query({ limit: 50, service: 'keystone', state: 'fail' }).items.map((c) => c.id),
      [cycles[2]!.id]
    );
    assert.deepEqual(store.query({ limit: 50, service: 'nova' }).items, []);
    assert.deepEqual(
      store.query({ limit: 50, state: 'fail' }).items.map((c) => c.status),
      ['fail']
    );
    assert.equal('workloads' in page1.items[0]!.services[0]!, false, 'summaries leave the details out');
  });
});
