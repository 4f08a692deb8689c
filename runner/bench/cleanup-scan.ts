// `npm run bench` (cleanup part): the cleanup monitor's scan of every service of the local cloud, with N Rally-named
// resources of every type (N = 200 unless BENCH_CLEANUP_N says otherwise), against the `openstack` CLI listing the
// same resource types, side by side in one run. Both must see the same resources: the counts are checked.
// The benchmark makes its resources in the admin project, whose quotas it lifts for the run and restores after;
// everything it makes is deleted at the end.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseRallyName } from '../src/cleanup/names.js';
import { RESOURCE_KINDS } from '../src/cleanup/kinds/index.js';
import { kindContexts, scanCloud } from '../src/cleanup/scan.js';
import { loadConfig } from '../src/config.js';
import { mapLimited, OpenStackSession } from '../src/openstack/session.js';
import type { ServiceName } from '../src/services.js';
import { CloudSeeder, randomTaskPrefix, rallyName, type Made } from '../test/support/cloud-seed.js';
import { cloudEnv, REPO_ROOT, testCloud } from '../test/support/runner-process.js';

const N = Number(process.env.BENCH_CLEANUP_N ?? 200);
const SCAN_RUNS = 5;
const CREATE_CONCURRENCY = 6;

/** The CLI command that lists each resource type the monitor scans, and the JSON field holding the name. */
const CLI_LISTINGS: Array<{ type: string; service: ServiceName; args: string[]; nameField: string }> = [
  { type: 'project', service: 'keystone', args: ['project', 'list'], nameField: 'Name' },
  { type: 'user', service: 'keystone', args: ['user', 'list'], nameField: 'Name' },
  { type: 'server', service: 'nova', args: ['server', 'list', '--all-projects'], nameField: 'Name' },
  { type: 'keypair', service: 'nova', args: ['keypair', 'list'], nameField: 'Name' },
  { type: 'flavor', service: 'nova', args: ['flavor', 'list', '--all'], nameField: 'Name' },
  { type: 'server_group', service: 'nova', args: ['server', 'group', 'list', '--all-projects'], nameField: 'Name' },
  { type: 'network', service: 'neutron', args: ['network', 'list'], nameField: 'Name' },
  { type: 'subnet', service: 'neutron', args: ['subnet', 'list'], nameField: 'Name' },
  { type: 'port', service: 'neutron', args: ['port', 'list'], nameField: 'Name' },
  { type: 'router', service: 'neutron', args: ['router', 'list'], nameField: 'Name' },
  {
    type: 'security_group',
    service: 'neutron',
    args: ['security', 'group', 'list', '--all-projects'],
    nameField: 'Name',
  },
  { type: 'floating_ip', service: 'neutron', args: ['floating', 'ip', 'list', '--long'], nameField: 'Description' },
  { type: 'image', service: 'glance', args: ['image', 'list'], nameField: 'Name' },
  { type: 'volume', service: 'cinder', args: ['volume', 'list', '--all-projects'], nameField: 'Name' },
  {
    type: 'volume_snapshot',
    service: 'cinder',
    args: ['volume', 'snapshot', 'list', '--all-projects'],
    nameField: 'Name',
  },
  { type: 'volume_backup', service: 'cinder', args: ['volume', 'backup', 'list', '--all-projects'], nameField: 'Name' },
  { type: 'volume_type', service: 'cinder', args: ['volume', 'type', 'list'], nameField: 'Name' },
  { type: 'qos_spec', service: 'cinder', args: ['volume', 'qos', 'list'], nameField: 'Name' },
  { type: 'container', service: 'swift', args: ['container', 'list'], nameField: 'Name' },
  { type: 'resource_provider', service: 'placement', args: ['resource', 'provider', 'list'], nameField: 'name' },
];

const QUOTAS: Array<{
  service: ServiceName;
  path: (project: string) => string;
  key: string;
  values: Record<string, number>;
}> = [
  {
    service: 'nova',
    path: (p) => `/os-quota-sets/${p}`,
    key: 'quota_set',
    values: { instances: -1, cores: -1, ram: -1, key_pairs: -1, server_groups: -1 },
  },
  {
    service: 'neutron',
    path: (p) => `/quotas/${p}`,
    key: 'quota',
    values: {
      network: -1,
      subnet: -1,
      port: -1,
      router: -1,
      security_group: -1,
      security_group_rule: -1,
      floatingip: -1,
    },
  },
  {
    service: 'cinder',
    path: (p) => `/os-quota-sets/${p}`,
    key: 'quota_set',
    values: { volumes: -1, snapshots: -1, gigabytes: -1 },
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Creating and deleting thousands of resources takes minutes: a line every 5 s (and at the end) says how far. */
function progress(label: string, total: number) {
  const started = performance.now();
  let done = 0;
  let last = 0;
  return (detail = '') => {
    done += 1;
    if (done === total || Date.now() - last > 5000) {
      last = Date.now();
      process.stdout.write(
        `  ${label}: ${done}/${total}${detail} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`
      );
    }
  };
}

/** Lifts the quotas the seeding would hit, returning how to put the old ones back. */
async function liftQuotas(
  seeder: CloudSeeder,
  session: OpenStackSession,
  projectId: string,
  running: ServiceName[]
): Promise<() => Promise<void>> {
  const restores: Array<() => Promise<void>> = [];
  for (const quota of QUOTAS.filter((q) => running.includes(q.service))) {
    const url = `${await seeder.base(quota.service)}${quota.path(projectId)}`;
    const { body } = await session.request(url);
    const current = (body as Record<string, Record<string, unknown>>)[quota.key]!;
    const old = Object.fromEntries(Object.keys(quota.values).map((name) => [name, current[name]]));
    await session.request(url, { method: 'PUT', body: { [quota.key]: quota.values } });
    restores.push(async () => {
      // Nova refuses a limit below what is in use unless forced; its usage counts lag behind deletions.
      const body = quota.service === 'nova' ? { ...old, force: true } : old;
      await session.request(url, { method: 'PUT', body: { [quota.key]: body } });
    });
  }
  return async () => {
    const problems: string[] = [];
    for (const restore of restores) await restore().catch((error: Error) => problems.push(error.message));
    if (problems.length > 0) console.log(`COULD NOT RESTORE QUOTAS: ${problems.join('; ')}`);
  };
}

async function seed(
  seeder: CloudSeeder,
  running: ServiceName[],
  taskPrefix: string,
  image: string,
  flavor: string
): Promise<void> {
  const name = () => rallyName(taskPrefix);
  // A type that cannot be made in full (a quota, a slow service) is reported with what it got, not fatal.
  const many = async (label: string, work: (index: number) => Promise<Made>) => {
    const tick = progress(label, N);
    const problems: string[] = [];
    await mapLimited(
      Array.from({ length: N }, (_, i) => i),
      CREATE_CONCURRENCY,
      async (index) => {
        await work(index).catch((error: Error) => problems.push(error.message));
        tick();
      }
    );
    if (problems.length > 0) {
      console.log(`  ${label}: ${problems.length} of ${N} could not be made; first: ${problems[0]!.slice(0, 300)}`);
    }
  };
  const has = (service: ServiceName) => running.includes(service);
  await many('projects', () => seeder.project(name()));
  await many('users', () => seeder.user(name()));
  if (has('nova')) {
    await many('flavors', () => seeder.flavor(name()));
    await many('keypairs', () => seeder.keypair(name()));
    await many('server groups', () => seeder.serverGroup(name()));
    // The fake compute host holds only a few; the rest go to ERROR, which lists (and deletes) the same.
    await many('servers', () => seeder.server(name(), image, flavor, { wait: false }));
  }
  if (has('neutron')) {
    // Ports go on a network of their own: on one with 200 subnets, Neutron's IP allocation makes each port slow.
    const network = await seeder.network(name());
    const portNetwork = await seeder.network(name());
    const external = await seeder.network(name(), { 'router:external': true });
    await seeder.subnet(name(), external.id, '100.64.0.0/22');
    await many('subnets', (i) => seeder.subnet(name(), network.id, `172.${16 + Math.floor(i / 256)}.${i % 256}.0/24`));
    await many('ports', () => seeder.port(name(), portNetwork.id));
    await many('routers', () => seeder.router(name()));
    await many('security groups', () => seeder.securityGroup(name()));
    await many('floating IPs', () => seeder.floatingIp(name(), external.id));
    await many('networks', () => seeder.network(name()));
  }
  if (has('glance')) await many('images', () => seeder.image(name()));
  if (has('cinder')) {
    const volume = await seeder.volume(name());
    await many('snapshots', () => seeder.snapshot(name(), volume.id, { wait: false }));
    await many('volumes', () => seeder.volume(name(), { wait: false }));
    await many('volume types', () => seeder.volumeType(name()));
    await many('QoS specs', () => seeder.qosSpec(name()));
  }
  if (has('swift')) await many('containers', () => seeder.container(name(), false));
  if (has('placement')) await many('resource providers', () => seeder.resourceProvider(name()));
}

async function cliListing(
  env: Record<string, string>,
  args: string[],
  nameField: string,
  taskPrefix: string
): Promise<{ seconds: number; count: number | null; error?: string }> {
  const started = performance.now();
  try {
    const { stdout } = await promisify(execFile)('openstack', [...args, '-f', 'json'], {
      env,
      maxBuffer: 256 * 1024 * 1024,
      timeout: 300_000,
    });
    const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
    const count = rows.filter((row) => parseRallyName(String(row[nameField] ?? ''))?.taskPrefix === taskPrefix).length;
    return { seconds: (performance.now() - started) / 1000, count };
  } catch (error) {
    const message = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').pop() ?? '';
    return { seconds: (performance.now() - started) / 1000, count: null, error: message.slice(0, 200) };
  }
}

async function main(): Promise<void> {
  const cloud = testCloud();
  const config = loadConfig({ ...cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: join(REPO_ROOT, '.bench') });
  // Creating thousands of resources on a 2-core cloud is slow; listing is what is measured, with default timeouts.
  const session = new OpenStackSession(config.openstack, { timeoutMs: 120_000 });
  const seeder = new CloudSeeder(session);
  const token = await session.currentToken();
  const probe = await scanCloud(session);
  const running = probe.services.filter((s) => s.state === 'ok').map((s) => s.service);
  const failing = probe.services.filter((s) => s.state === 'failed');
  if (failing.length > 0) {
    throw new Error(
      `services failing before the benchmark: ${failing.map((s) => `${s.service} (${s.error})`).join('; ')}`
    );
  }
  const taskPrefix = randomTaskPrefix();
  console.log(
    `cleanup scan benchmark: ${N} Rally-named resources per type in ${running.join(', ')} (task part ${taskPrefix})`
  );

  const restoreQuotas = await liftQuotas(seeder, session, token.projectId!, running);
  try {
    const seedStarted = performance.now();
    console.log(`creating ${N} of each type (minutes; a progress line every 5 s)...`);
    await seed(seeder, running, taskPrefix, cloud.image, cloud.flavor);
    console.log(`seeded ${seeder.made.length} resources in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);

    // Native: a cold scan (a new session, so it authenticates), then warm scans reusing the token.
    const cold = new OpenStackSession(config.openstack);
    let started = performance.now();
    const coldScan = await scanCloud(cold);
    const coldSeconds = (performance.now() - started) / 1000;
    await cold.close();
    const warm: number[] = [];
    let lastScan = coldScan;
    for (let i = 0; i < SCAN_RUNS; i += 1) {
      started = performance.now();
      lastScan = await scanCloud(session);
      warm.push((performance.now() - started) / 1000);
    }
    // Each listing alone, one after another: what the cloud's APIs cost per type (the floor under a scan on a
    // machine whose cores also serve those APIs).
    const contextOf = await kindContexts(session, await session.currentToken());
    const alone = new Map<string, number>();
    for (const kind of RESOURCE_KINDS) {
      const context = contextOf(kind.service);
      if (!context) continue;
      started = performance.now();
      await kind.list(context).catch(() => []);
      alone.set(kind.type, (performance.now() - started) / 1000);
    }
    const aloneTotal = [...alone.values()].reduce((sum, s) => sum + s, 0);
    const nativeCount = new Map<string, number>();
    for (const found of lastScan.found) {
      if (found.taskPrefix === taskPrefix) {
        nativeCount.set(found.kind.type, (nativeCount.get(found.kind.type) ?? 0) + 1);
      }
    }

    // The CLI, one listing per type, as an operator's script would run them.
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      ...cloudEnv(cloud),
      OS_IDENTITY_API_VERSION: '3',
    };
    const rows: Array<{
      type: string;
      cliSeconds: number;
      cliCount: number | null;
      nativeCount: number;
      made: number;
      error?: string;
    }> = [];
    for (const listing of CLI_LISTINGS.filter((l) => running.includes(l.service))) {
      const result = await cliListing(env, listing.args, listing.nameField, taskPrefix);
      rows.push({
        type: listing.type,
        cliSeconds: result.seconds,
        cliCount: result.count,
        nativeCount: nativeCount.get(listing.type) ?? 0,
        made: seeder.made.filter((m) => m.type === listing.type).length,
        ...(result.error ? { error: result.error } : {}),
      });
      process.stdout.write(`  openstack ${listing.args.join(' ')}: ${result.seconds.toFixed(2)} s\n`);
    }
    const cliTotal = rows.reduce((sum, row) => sum + row.cliSeconds, 0);
    const warmMedian = median(warm);

    console.log('');
    console.log('type                made  native  cli   cli s  native s (alone)');
    for (const row of rows) {
      const nativeAlone = alone.get(row.type);
      console.log(
        `${row.type.padEnd(18)} ${String(row.made).padStart(5)} ${String(row.nativeCount).padStart(7)} ${String(row.cliCount ?? '-').padStart(5)} ${row.cliSeconds.toFixed(2).padStart(7)} ${(nativeAlone === undefined ? '-' : nativeAlone.toFixed(2)).padStart(9)}${row.error ? `  (${row.error})` : ''}`
      );
    }
    const mismatches = rows.filter((row) => row.cliCount !== null && row.cliCount !== row.nativeCount);
    console.log('');
    console.log(
      `native scan, all ${running.length} services, ${lastScan.found.length} Rally-named resources: cold ${coldSeconds.toFixed(2)} s, warm median ${warmMedian.toFixed(2)} s (min ${Math.min(...warm).toFixed(2)}, ${SCAN_RUNS} runs)`
    );
    console.log(
      `native listings one after another (each type alone): ${aloneTotal.toFixed(2)} s in all; the scan runs them side by side`
    );
    console.log(`openstack CLI, the same ${rows.length} listings one after another: ${cliTotal.toFixed(1)} s`);
    console.log(
      `ratio: ${(cliTotal / coldSeconds).toFixed(1)}x (against the cold scan), ${(cliTotal / warmMedian).toFixed(1)}x (warm); target >= 20x and under 2 s`
    );
    if (mismatches.length > 0) {
      console.log(
        `COUNT MISMATCH between the scan and the CLI: ${mismatches.map((m) => `${m.type} ${m.nativeCount} vs ${m.cliCount}`).join(', ')}`
      );
    }
    const benchDir = join(REPO_ROOT, '.bench');
    await mkdir(benchDir, { recursive: true });
    await writeFile(
      join(benchDir, 'cleanup-scan.json'),
      JSON.stringify(
        { n: N, services: running, coldSeconds, warm, alone: Object.fromEntries(alone), cliTotal, rows },
        null,
        1
      )
    );
  } finally {
    const removeStarted = performance.now();
    console.log(`deleting the ${seeder.made.length} resources...`);
    const tick = progress('deleted', seeder.made.length);
    const problems = await seeder.removeAll((made) => tick(`, now ${made.type}s`));
    console.log(
      `deleted in ${((performance.now() - removeStarted) / 1000).toFixed(0)} s${problems.length ? `; ${problems.length} problems, first: ${problems[0]}` : ''}`
    );
    await restoreQuotas();
    await session.close();
  }
}

main().catch((error: Error) => {
  console.error(`cleanup-scan benchmark failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
