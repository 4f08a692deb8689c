// One cycle with everything real but Rally's processes: the runner's own code decides, stores and masks, fed Rally's
// recorded outputs (the test fixtures) by a stand-in for the Rally CLI.
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig, secretsOf, type Config } from '../../src/config.js';
import { runCycle, KEYSTONE_UNREACHABLE } from '../../src/cycle.js';
import { HistoryStore, newRunId, summarize } from '../../src/history/store.js';
import { authenticate, type KeystoneToken } from '../../src/openstack/keystone.js';
import type { Rally, TaskRun } from '../../src/rally/rally.js';
import { fixturePath, readFixture, tempDir } from '../helpers.js';
import { leakedForms, SPECIAL_PASSWORD, WRITERS } from '../support/secret-forms.js';

interface FakeTask {
  /** logError: why the log file could not be written, as the process runner reports it (Rally still ran). */
  validate?: { exitCode: number; output: string; logError?: string };
  start?: { exitCode: number; output: string; taskUuid: string; logError?: string };
  /** What Rally writes to its --log-file with --debug (RALLY_MONITOR_RALLY_DEBUG). */
  debugLog?: string;
  /** Files `rally task report/export` would write, by kind. */
  reports?: { json: string; html?: string; junit?: string };
}

/** The Rally CLI as the cycle calls it, answering each service's task with recorded outputs. */
function fakeRally(home: string, tasks: Record<string, FakeTask>, calls: string[]): Rally {
  const taskOf = (file: string) => {
    const service = basename(file, '.yaml');
    const task = tasks[service];
    if (!task) throw new Error(`no Rally task expected for ${service}`);
    return { service, task };
  };
  const rally = {
    options: { bin: 'rally', home, envName: 'unit' },
    async ensureEnvironment() {
      return 'kept' as const;
    },
    async validateTask(file: string, _args: unknown, options: { logFile?: string; debugLogFile?: string } = {}) {
      const { service, task } = taskOf(file);
      calls.push(`validate ${service}${options.debugLogFile ? ' --debug' : ''}`);
      if (options.debugLogFile && task.debugLog) await appendFile(options.debugLogFile, task.debugLog);
      const result = task.validate ?? { exitCode: 0, output: '' };
      if (options.logFile) await appendFile(options.logFile, result.output);
      return { ...result, killed: false };
    },
    async startTask(
      file: string,
      _args: unknown,
      options: { logFile: string; debugLogFile?: string }
    ): Promise<TaskRun> {
      const { service, task } = taskOf(file);
      calls.push(`start ${service}${options.debugLogFile ? ' --debug' : ''}`);
      if (options.debugLogFile && task.debugLog) await appendFile(options.debugLogFile, task.debugLog);
      if (!task.start) throw new Error(`${service} was not expected to start`);
      await appendFile(options.logFile, task.start.output);
      return { ...task.start, killed: false };
    },
    async exportTask(uuid: string, paths: { json: string; html: string; junit: string }) {
      const task = Object.values(tasks).find((t) => t.start?.taskUuid === uuid)!;
      const reports = task.reports!;
      await writeFile(paths.json, reports.json);
      if (reports.html !== undefined) await writeFile(paths.html, reports.html);
      if (reports.junit !== undefined) await writeFile(paths.junit, reports.junit);
      return { json: true, html: reports.html !== undefined, junit: reports.junit !== undefined, problems: [] };
    },
  };
  return rally as unknown as Rally;
}

function catalogToken(): KeystoneToken {
  const endpoint = (type: string, port: number) => ({
    type,
    name: type,
    endpoints: [{ interface: 'public', region: 'RegionOne', url: `http://127.0.0.1:${port}` }],
  });
  return {
    value: 'token',
    expiresAt: new Date(Date.now() + 3_600_000),
    catalog: [
      endpoint('identity', 5000),
      endpoint('compute', 8774),
      endpoint('image', 9292),
      endpoint('placement', 8778),
    ],
  };
}

/** A loopback port nothing listens on (fetch refuses the well-known ones, such as 9). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function setup(env: Record<string, string>) {
  const dataDir = await tempDir();
  const config = loadConfig({
    // Nothing listens there: the runner's native Keystone client gets a real "connection refused".
    OS_AUTH_URL: `http://127.0.0.1:${await closedPort()}/v3`,
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'unit-test-password',
    OS_PROJECT_NAME: 'admin',
    OS_REGION_NAME: 'RegionOne',
    RALLY_MONITOR_DATA_DIR: dataDir,
    RALLY_MONITOR_API_TOKEN: 'unit-test-token-0123456789',
    ...env,
  });
  const store = new HistoryStore(join(dataDir, 'runs'));
  await store.open();
  return { dataDir, config, store };
}

const recordedUuid = async (name: string) =>
  (JSON.parse(await readFixture(name)) as { tasks: Array<{ uuid: string }> }).tasks[0]!.uuid;

type CycleDeps = Parameters<typeof runCycle>[0];

/** One API-triggered cycle with a silent logger; the fake Keystone answers with its catalog unless told otherwise. */
function apiCycle(deps: Pick<CycleDeps, 'config' | 'rally' | 'store'> & Partial<CycleDeps>) {
  return runCycle(
    {
      logger: pino({ level: 'silent' }),
      secrets: [],
      authenticate: async () => catalogToken(),
      resolveImage: async () => ({ name: 'cirros' }),
      ...deps,
    },
    { id: newRunId(), trigger: 'api' }
  );
}

describe('a cycle in which Keystone stops answering after its own task', () => {
  it('makes Keystone fail with the native client\'s error, and the services after it error "not tested: Keystone unreachable" without running', async () => {
    const { dataDir, config, store } = await setup({ RALLY_MONITOR_SERVICES: 'keystone,nova,glance,placement' });
    const calls: string[] = [];
    const keystoneUuid = await recordedUuid('keystone-pass.report.json');
    const keystoneGone = { exitCode: 110, output: await readFixture('keystone-stopped.nova-task-validate.log') };
    const rally = fakeRally(
      join(dataDir, 'rally'),
      {
        keystone: {
          start: { exitCode: 0, output: '', taskUuid: keystoneUuid },
          reports: {
            json: await readFixture('keystone-pass.report.json'),
            html: await readFixture('keystone-pass.report.html'),
            junit: await readFixture('keystone-pass.junit.xml'),
          },
        },
        // Recorded: `rally task validate` of Nova right after Keystone was stopped (exit code 110); any later task
        // would be refused the same way.
        nova: { validate: keystoneGone },
        glance: { validate: keystoneGone },
        placement: { validate: keystoneGone },
      },
      calls
    );
    let authentications = 0;
    // The catalog is read while Keystone answers; every later call is the real client against a closed port.
    const authenticateOnce = async (c: Config) =>
      authentications++ === 0 ? catalogToken() : authenticate(c.openstack, { timeoutMs: 5000 });
    const cycle = await apiCycle({ config, rally, store, secrets: secretsOf(config), authenticate: authenticateOnce });
    const byName = new Map(cycle.services.map((s) => [s.service, s]));
    assert.deepEqual(
      calls,
      ['validate keystone', 'start keystone', 'validate nova'],
      'nothing runs once Keystone is gone'
    );
    const keystone = byName.get('keystone')!;
    assert.equal(keystone.state, 'fail', JSON.stringify(keystone.reason));
    assert.equal(
      keystone.reason,
      `Keystone stopped answering during the cycle: Keystone at ${config.openstack.authUrl} is unreachable: ECONNREFUSED`
    );
    assert.equal(keystone.taskUuid, keystoneUuid, "its own task's evidence is kept");
    assert.ok(keystone.workloads.length > 0 && keystone.workloads.every((w) => w.state === 'pass'));
    for (const name of ['nova', 'glance', 'placement'] as const) {
      assert.equal(byName.get(name)!.state, 'error', name);
      assert.equal(byName.get(name)!.reason, KEYSTONE_UNREACHABLE, name);
    }
    assert.ok(byName.get('nova')!.artifacts.log, "Nova's validation output is kept");
    assert.equal(cycle.status, 'fail');
    assert.deepEqual(store.get(cycle.id)?.services.find((s) => s.service === 'keystone')?.state, 'fail', 'as recorded');
  });

  it('leaves every result as it was when Keystone still answers after a failed task', async () => {
    const { dataDir, config, store } = await setup({ RALLY_MONITOR_SERVICES: 'nova,glance' });
    const calls: string[] = [];
    const rally = fakeRally(
      join(dataDir, 'rally'),
      {
        nova: { validate: { exitCode: 110, output: await readFixture('keystone-stopped.nova-task-validate.log') } },
        glance: { validate: { exitCode: 110, output: await readFixture('keystone-stopped.nova-task-validate.log') } },
      },
      calls
    );
    const cycle = await apiCycle({ config, rally, store });
    assert.deepEqual(calls, ['validate nova', 'validate glance']);
    for (const name of ['nova', 'glance']) {
      const service = cycle.services.find((s) => s.service === name)!;
      assert.equal(service.state, 'error');
      assert.equal(
        service.reason,
        'Rally found the cloud unavailable (existing@openstack): Unable to establish connection to http://127.0.0.1:5000/v3'
      );
    }
  });
});

describe("a cycle in which Rally's log could not be written completely", () => {
  // Node's message for a write to a full filesystem, as runInProcessGroup reports it (see full-disk.test.ts).
  const ENOSPC = 'ENOSPC: no space left on device, write';

  /** Keystone's recorded passing task, with the log writes of its validation or start failing as given. */
  async function keystoneCycle(logErrors: { validate?: string; start?: string }) {
    const { dataDir, config, store } = await setup({ RALLY_MONITOR_SERVICES: 'keystone' });
    const rally = fakeRally(
      join(dataDir, 'rally'),
      {
        keystone: {
          validate: { exitCode: 0, output: '', ...(logErrors.validate ? { logError: logErrors.validate } : {}) },
          start: {
            exitCode: 0,
            output: '',
            taskUuid: await recordedUuid('keystone-pass.report.json'),
            ...(logErrors.start ? { logError: logErrors.start } : {}),
          },
          reports: { json: await readFixture('keystone-pass.report.json') },
        },
      },
      []
    );
    const cycle = await apiCycle({ config, rally, store });
    const reopened = new HistoryStore(join(dataDir, 'runs'));
    await reopened.open();
    return { cycle, keystone: cycle.services.find((s) => s.service === 'keystone')!, recorded: reopened.get(cycle.id) };
  }

  it('records that the log was cut off, and the service still passes on its report', async () => {
    const { cycle, keystone, recorded } = await keystoneCycle({ start: ENOSPC });
    assert.equal(keystone.state, 'pass');
    assert.equal(cycle.status, 'pass');
    assert.equal(keystone.logProblem, `Rally's log could not be written completely: ${ENOSPC}`);
    assert.equal(
      recorded?.services.find((s) => s.service === 'keystone')?.logProblem,
      keystone.logProblem,
      'as read back from the stored record'
    );
  });

  it("records a cut-off log of the task's validation too", async () => {
    const { keystone } = await keystoneCycle({ validate: ENOSPC });
    assert.equal(keystone.state, 'pass');
    assert.equal(keystone.logProblem, `Rally's log could not be written completely: ${ENOSPC}`);
  });

  it('says nothing of the log when it was written whole', async () => {
    const { keystone } = await keystoneCycle({});
    assert.equal(keystone.state, 'pass');
    assert.equal(keystone.logProblem, undefined);
  });
});

/** Rally's `json.dumps` (ensure_ascii): non-ASCII characters as \uXXXX. */
function pythonJson(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}

describe('a cycle whose Rally report quotes the password', () => {
  it('masks it in the record parsed from the report (cycle.json, what the API serves) and in every stored file', async () => {
    const { dataDir, config, store } = await setup({ RALLY_MONITOR_SERVICES: 'glance', OS_PASSWORD: SPECIAL_PASSWORD });
    // The recorded report of failed iterations, with its first error's message quoting the password (as a client
    // error naming a URL with credentials would): written back the way Rally writes JSON.
    const report = JSON.parse(await readFixture('failed-iterations.report.json')) as {
      tasks: Array<{ uuid: string; subtasks: Array<{ workloads: Array<{ data: Array<{ error: string[] }> }> }> }>;
    };
    const failing = report.tasks[0]!.subtasks.flatMap((s) => s.workloads)
      .flatMap((w) => w.data)
      .find((it) => it.error.length > 0)!;
    failing.error[1] = `Unauthorized for password=${SPECIAL_PASSWORD} at http://127.0.0.1:5000/?password=${encodeURIComponent(SPECIAL_PASSWORD)}`;
    const calls: string[] = [];
    const rally = fakeRally(
      join(dataDir, 'rally'),
      {
        glance: {
          start: {
            exitCode: 2,
            output: await readFile(fixturePath('failed-iterations.task-start.log'), 'utf8'),
            taskUuid: report.tasks[0]!.uuid,
          },
          reports: { json: pythonJson(report) },
        },
      },
      calls
    );
    const cycle = await apiCycle({ config, rally, store, secrets: secretsOf(config) });
    const glance = cycle.services.find((s) => s.service === 'glance')!;
    const masked = glance.workloads.flatMap((w) => w.errors).find((e) => e.message.startsWith('Unauthorized'));
    assert.equal(masked?.message, 'Unauthorized for password=*** at http://127.0.0.1:5000/?password=***');
    assert.deepEqual(
      leakedForms(JSON.stringify(store.get(cycle.id)), SPECIAL_PASSWORD),
      [],
      'the record the API serves'
    );
    assert.deepEqual(leakedForms(JSON.stringify(summarize(cycle)), SPECIAL_PASSWORD), [], 'the history entry');
    const runDir = join(dataDir, 'runs', cycle.id);
    for (const name of await readdir(runDir)) {
      assert.deepEqual(leakedForms(await readFile(join(runDir, name), 'utf8'), SPECIAL_PASSWORD), [], name);
    }
  });
});

describe('a cycle with RALLY_MONITOR_RALLY_DEBUG=true', () => {
  it("runs Rally with --debug, keeps its debug log beside the report as an artifact, masked in every writer's form", async () => {
    const { dataDir, config, store } = await setup({
      RALLY_MONITOR_SERVICES: 'keystone',
      OS_PASSWORD: SPECIAL_PASSWORD,
      RALLY_MONITOR_RALLY_DEBUG: 'true',
    });
    const uuid = await recordedUuid('keystone-pass.report.json');
    // Debug lines as keystoneauth and Rally write them, with the password in each form a writer gives it.
    const debugLog = Object.entries(WRITERS)
      .map(
        ([writer, write]) =>
          `2026-11-29 20:55:19.164 1 DEBUG keystoneauth.session [-] ${writer}: ${write(SPECIAL_PASSWORD)}\n`
      )
      .join('');
    const calls: string[] = [];
    const rally = fakeRally(
      join(dataDir, 'rally'),
      {
        keystone: {
          start: { exitCode: 0, output: '', taskUuid: uuid },
          reports: { json: await readFixture('keystone-pass.report.json') },
          debugLog,
        },
      },
      calls
    );
    const cycle = await apiCycle({ config, rally, store, secrets: secretsOf(config) });
    assert.deepEqual(calls, ['validate keystone --debug', 'start keystone --debug']);
    const keystone = cycle.services.find((s) => s.service === 'keystone')!;
    assert.equal(keystone.state, 'pass', keystone.reason);
    assert.equal(keystone.artifacts.debugLog, true);
    const file = store.artifactPath(cycle.id, 'keystone', 'debugLog');
    assert.equal(basename(file), 'keystone.rally-debug.log');
    const kept = await readFile(file, 'utf8');
    // Validation's records, then the start's, in one file.
    assert.equal(kept.split('\n').filter((line) => line.includes(' DEBUG ')).length, 2 * Object.keys(WRITERS).length);
    assert.deepEqual(leakedForms(kept, SPECIAL_PASSWORD), []);
  });

  it('runs Rally without --debug and keeps no debug log by default', async () => {
    const { dataDir, config, store } = await setup({ RALLY_MONITOR_SERVICES: 'keystone' });
    const uuid = await recordedUuid('keystone-pass.report.json');
    const calls: string[] = [];
    const rally = fakeRally(
      join(dataDir, 'rally'),
      {
        keystone: {
          start: { exitCode: 0, output: '', taskUuid: uuid },
          reports: { json: await readFixture('keystone-pass.report.json') },
        },
      },
      calls
    );
    const cycle = await apiCycle({ config, rally, store, secrets: secretsOf(config) });
    assert.deepEqual(calls, ['validate keystone', 'start keystone']);
    assert.equal(cycle.services.find((s) => s.service === 'keystone')!.artifacts.debugLog, undefined);
  });
});
