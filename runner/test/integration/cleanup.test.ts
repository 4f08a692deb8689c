// The cleanup monitor against the real local cloud: a real Rally leak (a task killed while its `users` context
// held a project and a user), Rally-named resources in every running service plus near-miss decoys, the scan,
// attribution, the purge through the HTTP API (dry run, minimum age, dependency order, audit), a stopped service,
// and the CLI. The cloud is shared: purges are always scoped to this test's own runs, and teardown removes
// whatever the test made.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { CleanupMonitor } from '../../src/cleanup/monitor.js';
import type { CleanupReport, PurgeOutcome } from '../../src/cleanup/report.js';
import { openCleanup, rallyDatabaseOf } from '../../src/cleanup/setup.js';
import { kindContexts, scanCloud } from '../../src/cleanup/scan.js';
import { kindOf } from '../../src/cleanup/kinds/index.js';
import { rallyTasksIn, tasksOfStore } from '../../src/cleanup/tasks.js';
import { taskPrefixOf } from '../../src/cleanup/names.js';
import type { AuditEntry } from '../../src/cleanup/audit.js';
import { loadConfig, secretsOf, type Config } from '../../src/config.js';
import { runCycle } from '../../src/cycle.js';
import { HistoryStore, newRunId } from '../../src/history/store.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { RunnerMetrics } from '../../src/metrics.js';
import type { Cycle } from '../../src/model.js';
import { Monitor } from '../../src/monitor.js';
import { listAll, OpenStackSession } from '../../src/openstack/session.js';
import { Rally } from '../../src/rally/rally.js';
import type { ServiceName } from '../../src/services.js';
import { CloudSeeder, randomTaskPrefix, rallyName, type Made } from '../support/cloud-seed.js';
import { CLI, cloudCtl, cloudEnv, testCloud } from '../support/runner-process.js';
import { tempDir } from '../helpers.js';

// Long enough that the young resource stays young through the purge steps on a slow, shared cloud.
const MIN_AGE_SECONDS = 60;
const TOKEN = 'cleanup-test-token-0123456789';

const LEAKING_TASK = `---
version: 2
title: leak
subtasks:
  - title: leak
    workloads:
      - scenario: {Dummy.dummy: {sleep: 300}}
        runner: {constant: {times: 1, concurrency: 1}}
        contexts: {users: {tenants: 1, users_per_tenant: 1}}
`;

/** SIGKILLs the process group of the `rally task start` tagged with the cycle id (the runner starts it in its own group). */
async function killRallyTask(cycleId: string): Promise<void> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,pgid=,args=']);
  const line = stdout.split('\n').find((l) => l.includes('task start') && l.includes(`--tag ${cycleId}`));
  assert.ok(line, `no rally task start process tagged ${cycleId}`);
  const pgid = Number(line.trim().split(/\s+/)[1]);
  process.kill(-pgid, 'SIGKILL');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = (r: { type: string; id: string }) => `${r.type}/${r.id}`;

describe('cleanup monitor against the real cloud', { timeout: 900_000 }, () => {
  const cloud = testCloud();
  let dataDir: string;
  let config: Config;
  let store: HistoryStore;
  let metrics: RunnerMetrics;
  let cleanup: CleanupMonitor;
  let app: ReturnType<typeof buildServer>;
  let session: OpenStackSession;
  let seeder: CloudSeeder;
  let running: ServiceName[];
  const logLines: string[] = [];

  // State shared by the steps below, in order.
  let rallyCycle: Cycle;
  let rallyLeaks: CleanupReport['leaks'] = [];
  const seedRunId = newRunId();
  const taskPrefix = randomTaskPrefix();
  let old: Made[] = [];
  let young: Made;
  const decoys: Made[] = [];
  let dryRunIds: string[] = [];

  const api = (method: 'GET' | 'POST', url: string, body?: unknown, auth = true) =>
    app.inject({
      method,
      url,
      ...(body !== undefined ? { payload: body as object } : {}),
      headers: auth ? { authorization: `Bearer ${TOKEN}` } : {},
    });

  before(async () => {
    dataDir = await tempDir('rally-monitor-cleanup-');
    config = loadConfig(
      {
        ...cloudEnv(cloud),
        RALLY_MONITOR_DATA_DIR: dataDir,
        RALLY_MONITOR_API_TOKEN: TOKEN,
        RALLY_MONITOR_CLEANUP_MIN_AGE: `${MIN_AGE_SECONDS}s`,
        // Every refresh=true below must scan (a stopped service shows only in a fresh scan).
        RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL: '0',
        RALLY_MONITOR_ITERATIONS: '1',
      },
      dataDir
    );
    const secrets = secretsOf(config);
    const logger = createLogger(
      'info',
      secrets,
      new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      })
    );
    store = new HistoryStore(join(dataDir, 'runs'));
    await store.open();
    metrics = new RunnerMetrics({ cloud: 'local', region: config.regionLabel }, 'test');
    cleanup = await openCleanup(config, {
      logger,
      secrets,
      registry: metrics.registry,
      tasks: () => tasksOfStore(store),
    });
    const rally = new Rally({
      bin: config.rallyBin,
      home: join(dataDir, 'rally'),
      envName: 'rally-monitor-cleanup-test',
    });
    await rally.ensureDatabase();
    const monitor = new Monitor({ config, rally, store, logger, secrets, metrics, hooks: cleanup.hooks });
    app = buildServer({ monitor, metrics, logger, apiToken: TOKEN, protectReads: false, cleanup });
    session = new OpenStackSession(config.openstack);
    seeder = new CloudSeeder(session);
    const status = await cloudCtl(cloud, 'status').catch((error: { stdout?: string }) => error.stdout ?? '');
    running = cloud.services.filter((s) => new RegExp(`^${s}\\s+up`, 'm').test(status)) as ServiceName[];
    assert.ok(running.includes('keystone'), `the test cloud must run Keystone:\n${status}`);
  });

  after(async () => {
    const problems = await seeder?.removeAll();
    // The Rally leak, if a failed step left it behind.
    if (session && rallyLeaks.length > 0) {
      const contextOf = await kindContexts(session, await session.currentToken());
      const usersFirst = [
        ...rallyLeaks.filter((l) => l.type === 'user'),
        ...rallyLeaks.filter((l) => l.type !== 'user'),
      ];
      for (const leak of usersFirst) {
        await kindOf(leak.type)!
          .remove(contextOf(leak.service)!, leak)
          .catch(() => undefined);
      }
    }
    await cleanup?.stop();
    await session?.close();
    await app?.close();
    assert.deepEqual(problems ?? [], [], 'teardown could not remove everything the test made');
  });

  it('finds the projects and users a killed Rally task leaked, and ties them to the run and the task', async () => {
    const scenariosDir = join(dataDir, 'scenarios');
    await mkdir(scenariosDir, { recursive: true });
    await writeFile(join(scenariosDir, 'keystone.yaml'), LEAKING_TASK);
    const cycleId = newRunId();
    const rally = new Rally({
      bin: config.rallyBin,
      home: join(dataDir, 'rally'),
      envName: 'rally-monitor-cleanup-test',
    });
    const done = runCycle(
      {
        config,
        rally,
        store,
        logger: createLogger(
          'warn',
          secretsOf(config),
          new Writable({
            write(chunk, _e, done) {
              logLines.push(String(chunk));
              done();
            },
          })
        ),
        secrets: secretsOf(config),
        scenariosDir,
        hooks: cleanup.hooks,
      },
      { id: cycleId, trigger: 'cli' }
    );
    // Kill Rally once its users context has made its project for the run (validation makes and removes one
    // before), before its cleanup can run: that is how an interrupted run (OOM, node reboot, kill -9) leaks.
    // A SIGINT would not do: Rally then cleans up.
    const logFile = store.artifactPath(cycleId, 'keystone', 'log');
    const until = Date.now() + 240_000;
    for (;;) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      // The first users context is validation's, set up and removed at once; the second is the workload's.
      if ((log.match(/Context users@openstack setup\(\)\s+finished/g) ?? []).length >= 2) break;
      assert.ok(Date.now() < until, `Rally did not set up its users context within 240 s:\n${log.slice(-2000)}`);
      await sleep(200);
    }
    await killRallyTask(cycleId);
    rallyCycle = await done;
    const taskUuid = rallyCycle.services.find((s) => s.service === 'keystone')?.taskUuid;
    assert.ok(
      taskUuid,
      `the cycle recorded no Rally task: ${JSON.stringify(rallyCycle.services.find((s) => s.service === 'keystone'))}`
    );
    const report = cleanup.latest()!;
    // The users context names what it makes after the task; other Rally runs on the shared cloud have other tasks.
    rallyLeaks = report.leaks.filter((leak) => leak.taskPrefix === taskPrefixOf(taskUuid));
    const types = new Set(rallyLeaks.map((leak) => leak.type));
    assert.ok(
      types.has('project') && types.has('user'),
      `expected a leaked c_rally_ project and user of task ${taskUuid}, found ${JSON.stringify(report.leaks.filter((l) => l.name.startsWith('c_rally_')).map((l) => [l.type, l.name, l.runId]))}`
    );
    for (const leak of rallyLeaks) {
      assert.match(leak.name, /^c_rally_[0-9a-f]{8}_[A-Za-z0-9]{8}$/);
      assert.equal(leak.service, 'keystone');
      assert.equal(leak.runId, rallyCycle.id, JSON.stringify(leak));
      assert.equal(leak.taskUuid, taskUuid, JSON.stringify(leak));
      assert.equal(leak.attribution, 'run', JSON.stringify(leak));
    }
    // Rally's own database knows the task too, and its workload (whose uuid the users context named them after).
    const known = await rallyTasksIn(rallyDatabaseOf(config));
    assert.ok(known.has(taskPrefixOf(taskUuid)), `Rally's database lacks task ${taskUuid}: ${[...known].join(', ')}`);
    for (const leak of rallyLeaks) {
      assert.ok(known.has(leak.taskPrefix), `Rally's database lacks the owner of ${leak.name}`);
    }
  });

  it('finds exactly the Rally-named resources made in every running service, attributed to the cycle they appeared in, and no decoy', async () => {
    const name = () => rallyName(taskPrefix);
    await cleanup.hooks.beforeCycle!(seedRunId);
    const made: Made[] = [];
    const add = async (work: () => Promise<Made>) => made.push(await work());
    await add(() => seeder.project(name()));
    await add(() => seeder.user(name()));
    decoys.push(await seeder.project('my_s_rally_x'));
    decoys.push(await seeder.user(`rally-prod-${taskPrefix}`));
    if (running.includes('neutron')) {
      const network = await seeder.network(name());
      made.push(network);
      const subnet = await seeder.subnet(
        name(),
        network.id,
        `10.${60 + (parseInt(taskPrefix.slice(0, 2), 16) % 60)}.1.0/24`
      );
      made.push(subnet);
      await add(() => seeder.port(name(), network.id));
      // The router holds an interface on the subnet: the network can go only after the router is detached.
      await add(() => seeder.router(name(), subnet.id));
      await add(() => seeder.securityGroup(name()));
      const external = await seeder.network(name(), { 'router:external': true });
      made.push(external);
      made.push(
        await seeder.subnet(name(), external.id, `10.${120 + (parseInt(taskPrefix.slice(2, 4), 16) % 60)}.2.0/24`)
      );
      await add(() => seeder.floatingIp(name(), external.id));
      decoys.push(await seeder.network('rally-prod'));
      decoys.push(await seeder.network(`s_rally_short`));
    }
    if (running.includes('nova')) {
      await add(() => seeder.server(name(), cloud.image, cloud.flavor));
      await add(() => seeder.keypair(name()));
      await add(() => seeder.flavor(name()));
      await add(() => seeder.serverGroup(name()));
      decoys.push(await seeder.keypair(`my_s_rally_x_${taskPrefix}`));
    }
    if (running.includes('glance')) {
      await add(() => seeder.image(name()));
      decoys.push(await seeder.image('s_rally_short'));
    }
    if (running.includes('cinder')) {
      const volume = await seeder.volume(name());
      made.push(volume);
      await add(() => seeder.snapshot(name(), volume.id));
      await add(() => seeder.volumeType(name()));
      await add(() => seeder.qosSpec(name()));
      decoys.push(await seeder.volumeType(`rally-prod-${taskPrefix}`));
    }
    if (running.includes('swift')) {
      await add(() => seeder.container(name()));
      decoys.push(await seeder.container(`my_s_rally_x_${taskPrefix}`, false));
    }
    if (running.includes('placement')) {
      await add(() => seeder.resourceProvider(name()));
      decoys.push(await seeder.resourceProvider(`rally-prod-${taskPrefix}`));
    }
    // A scan now records when the monitor first saw the types whose APIs give no creation time.
    await cleanup.scan();
    old = made;
    await sleep(MIN_AGE_SECONDS * 1000 + 1000);
    young = await seeder.network(name()).catch(() => seeder.project(name()));
    await cleanup.hooks.afterCycle!({ id: seedRunId } as Cycle);

    const report = cleanup.latest()!;
    for (const service of running) {
      const scan = report.services.find((s) => s.service === service)!;
      assert.equal(scan.state, 'ok', `${service} could not be scanned after the cycle: ${scan.error}`);
    }
    const mine = report.leaks.filter((leak) => leak.taskPrefix === taskPrefix);
    assert.deepEqual(mine.map(key).sort(), [...old, young].map(key).sort());
    for (const leak of mine) {
      assert.equal(leak.runId, seedRunId, `${leak.type} ${leak.name} attributed to ${leak.runId}`);
    }
    // They appeared during the cycle, but no Rally task here has their task part: not proven to be Rally's.
    for (const leak of mine) assert.equal(leak.attribution, 'unattributed', `${leak.type} ${leak.name}`);
    const decoyKeys = new Set(decoys.map(key));
    assert.deepEqual(
      report.leaks.filter((leak) => decoyKeys.has(key(leak))),
      [],
      'a decoy was reported'
    );
    const covered = new Set(old.map((m) => m.service));
    assert.deepEqual([...covered].sort(), [...running].sort(), 'a Rally-named resource in every running service');
  });

  it('serves the leaks with their scan status, and refuses a purge without the token or with a malformed scope', async () => {
    const current = await api('GET', '/api/cleanup', undefined, false);
    assert.equal(current.statusCode, 200);
    const body = current.json() as CleanupReport;
    assert.ok(Date.parse(body.scannedAt) > 0);
    assert.equal(body.minAgeSeconds, MIN_AGE_SECONDS);
    const mine = body.leaks.filter((leak) => leak.taskPrefix === taskPrefix);
    assert.equal(mine.length, old.length + 1);
    for (const leak of mine) {
      for (const field of [
        'service',
        'type',
        'id',
        'name',
        'project',
        'createdAt',
        'ageSeconds',
        'runId',
        'taskPrefix',
        'attribution',
      ] as const) {
        assert.ok(field in leak, `${field} in ${JSON.stringify(leak)}`);
      }
    }
    assert.ok(
      mine.some((leak) => leak.createdAt !== null && leak.project !== null),
      'creation times and projects where the API gives them'
    );

    const unauthorized = await api('POST', '/api/cleanup/purge', { confirm: true }, false);
    assert.equal(unauthorized.statusCode, 401);
    assert.equal((unauthorized.json() as { code: string }).code, 'unauthorized');
    for (const scope of [
      { services: 'nova' },
      { types: ['spaceship'] },
      { runId: '../../etc/passwd' },
      { confirm: 'yes' },
      { everything: true },
    ]) {
      const answer = await api('POST', '/api/cleanup/purge', scope);
      assert.equal(answer.statusCode, 400, JSON.stringify(scope));
      assert.equal((answer.json() as { code: string }).code, 'bad_request');
    }
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/cleanup/purge',
      payload: '{"confirm": tru',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
    assert.equal(badJson.statusCode, 400);
    // Nothing above deleted anything.
    const after = (await api('GET', '/api/cleanup?refresh=true')).json() as CleanupReport;
    assert.equal(after.leaks.filter((leak) => leak.taskPrefix === taskPrefix).length, old.length + 1);
  });

  it('lists in a dry run what a purge would delete, and deletes nothing', async () => {
    // The cloud is shared: what others' Rally runs made during the seeding window is attributed to it too, so the
    // scope also names this test's resources.
    // They are unattributed (no Rally task here has their task part): left out, with the reason, unless included.
    const scope = { runId: seedRunId, ids: [...old, young].map((m) => m.id) };
    const without = (await api('POST', '/api/cleanup/purge', scope)).json() as PurgeOutcome;
    assert.deepEqual(without.candidates, []);
    assert.deepEqual(without.tooYoung, []);
    assert.deepEqual(without.leftOut.map((l) => key(l.leak)).sort(), [...old, young].map(key).sort());
    for (const left of without.leftOut) {
      assert.equal(left.reason, 'unattributed');
      assert.match(left.detail, new RegExp(`${taskPrefix}.*includeUnattributed`));
    }
    const answer = await api('POST', '/api/cleanup/purge', { ...scope, includeUnattributed: true });
    assert.equal(answer.statusCode, 200);
    const outcome = answer.json() as PurgeOutcome;
    assert.deepEqual(outcome.leftOut, []);
    assert.equal(outcome.dryRun, true);
    assert.deepEqual(outcome.candidates.map(key).sort(), old.map(key).sort());
    assert.deepEqual(outcome.tooYoung.map(key), [key(young)]);
    assert.deepEqual(outcome.results, []);
    dryRunIds = outcome.candidates.map((leak) => leak.id);
    const report = await cleanup.scan();
    assert.equal(report.leaks.filter((leak) => leak.taskPrefix === taskPrefix).length, old.length + 1);
    assert.deepEqual((await api('GET', '/api/cleanup/audit')).json(), { entries: [] });
  });

  it('with confirm deletes exactly the leaks older than the minimum age, in an order the cloud accepts, and audits each', async () => {
    // Confirms exactly what the dry run listed (and nothing another developer's run made meanwhile).
    const answer = await api('POST', '/api/cleanup/purge', {
      confirm: true,
      runId: seedRunId,
      ids: dryRunIds,
      includeUnattributed: true,
    });
    assert.equal(answer.statusCode, 200);
    const outcome = answer.json() as PurgeOutcome;
    assert.equal(outcome.dryRun, false);
    assert.equal(outcome.stopped, null);
    const failures = outcome.results.filter((r) => r.outcome !== 'deleted');
    assert.deepEqual(failures, [], 'every deletion succeeded');
    assert.deepEqual(outcome.results.map((r) => key(r.leak)).sort(), old.map(key).sort());
    const order = outcome.results.map((r) => r.leak.type);
    const firstOf = (type: string) => order.indexOf(type);
    const lastOf = (type: string) => order.lastIndexOf(type);
    if (running.includes('neutron')) {
      assert.ok(
        lastOf('router') < firstOf('subnet') &&
          lastOf('subnet') < firstOf('network') &&
          lastOf('floating_ip') < firstOf('network'),
        order.join(',')
      );
    }
    if (running.includes('cinder')) assert.ok(lastOf('volume_snapshot') < firstOf('volume'), order.join(','));
    if (running.includes('nova')) assert.ok(lastOf('server') < firstOf('keypair'), order.join(','));
    assert.ok(lastOf('user') < firstOf('project'), order.join(','));

    const report = cleanup.latest()!;
    assert.deepEqual(
      report.leaks.filter((leak) => leak.taskPrefix === taskPrefix).map(key),
      [key(young)],
      'only the young one is left'
    );
    const records = ((await api('GET', '/api/cleanup/audit?limit=1000')).json() as { entries: AuditEntry[] }).entries;
    // Each deletion's intent, written before its DELETE, and its outcome after.
    const audit = records.filter((entry) => entry.outcome !== 'deleting');
    assert.deepEqual(
      records
        .filter((entry) => entry.outcome === 'deleting')
        .map(key)
        .sort(),
      old.map(key).sort()
    );
    for (const entry of audit) {
      const intent = records.findIndex((e) => key(e) === key(entry) && e.outcome === 'deleting');
      assert.ok(intent > records.indexOf(entry), `the intent of ${key(entry)} is older than its outcome`);
    }
    assert.deepEqual(audit.map(key).sort(), old.map(key).sort());
    for (const entry of audit) {
      assert.equal(entry.outcome, 'deleted');
      assert.equal(entry.runId, seedRunId);
      assert.equal(entry.trigger, 'api');
    }
    assert.ok(Date.parse(audit[0]!.at) >= Date.parse(audit[audit.length - 1]!.at), 'newest first');
    const text = (await api('GET', '/metrics')).body;
    const deletions = Number(/^rally_cleanup_deletions_total\{outcome="deleted"[^}]*\} (\d+)/m.exec(text)?.[1]);
    assert.equal(deletions, old.length);
    // Decoys are untouched.
    const stillThere = cleanup.latest()!;
    assert.equal(stillThere.leaks.filter((leak) => decoys.some((d) => key(d) === key(leak))).length, 0);
  });

  it('finds nothing more to purge the second time', async () => {
    const outcome = (
      await api('POST', '/api/cleanup/purge', {
        confirm: true,
        runId: seedRunId,
        ids: [...dryRunIds, young.id],
        includeUnattributed: true,
      })
    ).json() as PurgeOutcome;
    assert.deepEqual(outcome.candidates, []);
    assert.deepEqual(outcome.results, []);
    assert.deepEqual(outcome.tooYoung.map(key), [key(young)]);
  });

  it('purges the real Rally leak, users before their projects', async () => {
    const outcome = (
      await api('POST', '/api/cleanup/purge', {
        confirm: true,
        runId: rallyCycle.id,
        services: ['keystone'],
        ids: rallyLeaks.map((l) => l.id),
      })
    ).json() as PurgeOutcome;
    assert.deepEqual(
      outcome.results.map((r) => r.outcome).filter((o) => o !== 'deleted'),
      []
    );
    assert.deepEqual(outcome.results.map((r) => key(r.leak)).sort(), rallyLeaks.map(key).sort());
    const types = outcome.results.map((r) => r.leak.type);
    assert.ok(types.lastIndexOf('user') < types.indexOf('project'), types.join(','));
    const after = await cleanup.scan();
    const gone = new Set(rallyLeaks.map(key));
    assert.deepEqual(
      after.leaks.filter((leak) => gone.has(key(leak))),
      []
    );
    rallyLeaks = [];
  });

  it('scans as well with an application credential instead of the password', async () => {
    const token = await session.currentToken();
    const keystone = (await seeder.base('keystone'))!;
    const { body } = await session.request(`${keystone}/users/${token.userId}/application_credentials`, {
      method: 'POST',
      body: { application_credential: { name: `rally-monitor-test-${taskPrefix}` } },
    });
    const credential = (body as { application_credential: { id: string; secret: string } }).application_credential;
    const appSession = new OpenStackSession({
      ...config.openstack,
      password: 'wrong-password-never-used',
      applicationCredential: credential,
    });
    try {
      const report = await scanCloud(appSession);
      for (const service of running) {
        assert.equal(report.services.find((s) => s.service === service)!.state, 'ok', service);
      }
      assert.equal((await appSession.currentToken()).projectId, token.projectId);
    } finally {
      await appSession.close();
      await session.request(`${keystone}/users/${token.userId}/application_credentials/${credential.id}`, {
        method: 'DELETE',
      });
    }
  });

  it('reports a stopped service as scan-failed, not clean, and the others as usual', async () => {
    // Swift first: nothing else in the cloud depends on it, so the short outage disturbs no one else's test.
    const victim = (['swift', 'glance', 'placement'] as const).find((s) => running.includes(s));
    assert.ok(victim, `this test stops a service other than Keystone; the test cloud runs only ${running.join(', ')}`);
    const stopped = victim;
    // A project is used by every service: while one could not be listed, it may still hold resources there.
    const project = await seeder.project(rallyName(taskPrefix));
    await cloudCtl(cloud, 'stop-service', stopped);
    let report: CleanupReport;
    let purge: PurgeOutcome;
    try {
      report = (await api('GET', '/api/cleanup?refresh=true')).json() as CleanupReport;
      purge = (
        await api('POST', '/api/cleanup/purge', { ids: [project.id], includeUnattributed: true })
      ).json() as PurgeOutcome;
    } finally {
      await cloudCtl(cloud, 'start-service', stopped);
    }
    assert.deepEqual(purge.candidates, []);
    assert.deepEqual(
      purge.leftOut.map((l) => [key(l.leak), l.reason]),
      [[key(project), 'dependents-unknown']]
    );
    assert.match(purge.leftOut[0]!.detail, new RegExp(stopped));
    assert.ok(purge.failedServices.includes(stopped));
    const failed = report.services.find((s) => s.service === stopped)!;
    assert.equal(failed.state, 'failed');
    assert.ok(failed.error && failed.error.length > 0);
    assert.equal(report.services.find((s) => s.service === 'keystone')!.state, 'ok');
    const text = (await api('GET', '/metrics')).body;
    assert.match(text, new RegExp(`^rally_cleanup_scan_success\\{service="${victim}"[^}]*\\} 0$`, 'm'));
    assert.match(text, /^rally_cleanup_scan_success\{service="keystone"[^}]*\} 1$/m);
    assert.doesNotMatch(
      text,
      new RegExp(`^rally_orphaned_resources\\{service="${victim}"`, 'm'),
      'no leak count for a service that could not be listed'
    );
    const recovered = await cleanup.scan();
    assert.equal(recovered.services.find((s) => s.service === stopped)!.state, 'ok');
  });

  it('prints the leaks from the CLI and deletes nothing without confirmation', async () => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      ...cloudEnv(cloud),
      RALLY_MONITOR_DATA_DIR: dataDir,
      RALLY_MONITOR_CLEANUP_MIN_AGE: '0',
      LOG_LEVEL: 'warn',
    };
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'cleanup', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c));
        child.stderr.on('data', (c: Buffer) => (stderr += c));
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const scan = await run([]);
    assert.equal(scan.code, 2, scan.stderr);
    assert.match(scan.stdout, /^SERVICE\s+TYPE\s+NAME\s+ID\s+PROJECT\s+AGE\s+RUN\s+ATTRIBUTION/m);
    assert.ok(scan.stdout.includes(young.name), scan.stdout);
    assert.match(scan.stdout, new RegExp(`${young.name}.*${seedRunId}`));
    assert.match(scan.stdout, /^keystone: scanned/m);
    assert.ok(!scan.stdout.includes(cloud.password) && !scan.stderr.includes(cloud.password));

    const guarded = await run(['--purge', '--run', seedRunId, '--id', young.id]);
    assert.equal(guarded.code, 0, guarded.stderr);
    assert.match(guarded.stdout, /nothing to purge/);
    assert.match(
      guarded.stderr,
      new RegExp(`left out \\(unattributed\\): ${young.service} ${young.type} ${young.name}.*--include-unattributed`)
    );

    const purge = await run(['--purge', '--run', seedRunId, '--include-unattributed']);
    assert.equal(purge.code, 2, purge.stderr);
    assert.match(purge.stdout, /would delete, in this order:/);
    assert.ok(purge.stdout.includes(young.name));
    assert.match(purge.stderr, /nothing deleted/);
    const report = await cleanup.scan();
    assert.ok(
      report.leaks.some((leak) => key(leak) === key(young)),
      'still there'
    );

    const bad = await run(['--purge', '--type', 'spaceship']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /types\.0 must be one of/);

    const confirmed = await run(['--purge', '--yes', '--run', seedRunId, '--id', young.id, '--include-unattributed']);
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(confirmed.stderr, new RegExp(`\\[1\\] deleted ${young.service} ${young.type} ${young.name}`));
    assert.match(confirmed.stdout, /deleted 1, failed 0/);
    const audit = ((await api('GET', '/api/cleanup/audit?limit=1')).json() as { entries: AuditEntry[] }).entries;
    assert.equal(audit[0]?.id, young.id);
    assert.equal(audit[0]?.trigger, 'cli');
  });
});
