// Starts the real runner (the built CLI) against the real local test cloud, for integration and end-to-end tests
// in every part of the project (runner, plugin, Prometheus). Import it from runner/dist/test/support/.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLOUD_SCRIPT = join(REPO_ROOT, 'test/cloud/cloud.sh');

export interface TestCloud {
  dir: string;
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  region: string;
  services: string[];
  image: string;
  flavor: string;
  /** What Nova's resize workload resizes `flavor` servers to. */
  resizeFlavor: string;
}

/** The running local cloud that `npm test` brought up (RALLY_MONITOR_TEST_CLOUD_DIR). */
export function testCloud(): TestCloud {
  const dir = process.env.RALLY_MONITOR_TEST_CLOUD_DIR;
  if (!dir) {
    throw new Error(
      'RALLY_MONITOR_TEST_CLOUD_DIR is not set: run the tests through `npm test`, or bring a cloud up with ' +
        '`CLOUD_DIR=/tmp/c bash test/cloud/cloud.sh up` and export RALLY_MONITOR_TEST_CLOUD_DIR=/tmp/c'
    );
  }
  const info = JSON.parse(readFileSync(join(dir, 'cloud.json'), 'utf8')) as Omit<TestCloud, 'dir'>;
  return { ...info, dir };
}

export function cloudEnv(cloud: TestCloud): Record<string, string> {
  return {
    OS_AUTH_URL: cloud.authUrl,
    OS_USERNAME: cloud.username,
    OS_PASSWORD: cloud.password,
    OS_PROJECT_NAME: cloud.projectName,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: cloud.region,
  };
}

/** Runs `test/cloud/cloud.sh COMMAND ...` for the test cloud (status, stop-service NAME, start-service NAME). */
export async function cloudCtl(cloud: TestCloud, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [CLOUD_SCRIPT, ...args], {
    env: { ...process.env, CLOUD_DIR: cloud.dir },
    timeout: 300_000,
  });
  return stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunnerOptions {
  dataDir?: string;
  /** Extra or overriding environment (e.g. RALLY_MONITOR_SERVICES). */
  env?: Record<string, string>;
  port?: number;
}

export interface RunnerProcess {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  request(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  json<T = unknown>(path: string): Promise<T>;
  /** Starts a cycle through the API and returns its id. */
  startCycle(): Promise<string>;
  /**
   * Waits until /api/runs/:id exists (the cycle is recorded) and the runner is free again (the cleanup scan after a
   * cycle holds it busy a little longer), so a next POST /api/runs is not refused with 409.
   */
  waitForCycle<T = { id: string; status: string }>(id: string, timeoutMs?: number): Promise<T>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function runnerEnv(options: RunnerOptions = {}) {
  const cloud = testCloud();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rally-monitor-data-')));
  const token = `test-token-${randomBytes(12).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    ...cloudEnv(cloud),
    RALLY_MONITOR_DATA_DIR: dataDir,
    RALLY_MONITOR_API_TOKEN: token,
    RALLY_MONITOR_LISTEN_ADDRESS: '127.0.0.1',
    RALLY_MONITOR_CLOUD: 'local',
    RALLY_MONITOR_ITERATIONS: '1',
    RALLY_MONITOR_CONCURRENCY: '1',
    RALLY_NOVA_FLAVOR: cloud.flavor,
    RALLY_NOVA_RESIZE_FLAVOR: cloud.resizeFlavor,
    // Far enough in the future that only the API starts cycles during a test.
    RALLY_SCHEDULE: '0 0 1 1 *',
    ...options.env,
  };
  return { cloud, dataDir, token, env };
}

export async function startRunner(options: RunnerOptions = {}): Promise<RunnerProcess> {
  const { dataDir, token, env } = await runnerEnv(options);
  const port = options.port ?? (await freePort());
  env.EXPORTER_PORT = String(port);
  const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const request = (path: string, init: RequestInit & { auth?: boolean } = {}) => {
    const headers = new Headers(init.headers);
    if (init.auth) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${url}${path}`, { ...init, headers });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`runner exited with ${child.exitCode} at start:\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`runner did not listen within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const runner: RunnerProcess = {
    url,
    token,
    dataDir,
    child,
    output: () => output,
    request,
    async json<T>(path: string) {
      const response = await request(path);
      if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async startCycle() {
      const response = await request('/api/runs', { method: 'POST', auth: true });
      const body = (await response.json()) as { id: string; error?: string };
      if (response.status !== 202) throw new Error(`POST /api/runs: HTTP ${response.status} ${JSON.stringify(body)}`);
      return body.id;
    },
    async waitForCycle<T>(id: string, timeoutMs = 600_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        // With the token, so this works too when the runner protects reads (RALLY_MONITOR_PROTECT_READS).
        const response = await request(`/api/runs/${id}`, { auth: true });
        if (response.status === 200) {
          const cycle = (await response.json()) as T;
          const health = (await (await request('/health')).json()) as { running: boolean };
          if (!health.running) return cycle;
        } else {
          await response.arrayBuffer();
        }
        if (child.exitCode !== null) throw new Error(`runner exited while waiting for ${id}:\n${output.slice(-3000)}`);
        if (Date.now() > until) {
          throw new Error(`cycle ${id} not recorded within ${timeoutMs} ms:\n${output.slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
  return runner;
}

export const RECORD_DIR = join(REPO_ROOT, 'test/fixtures/runner-api');

/**
 * With RALLY_MONITOR_RECORD_FIXTURES=1, keeps a real runner response in test/fixtures/runner-api/ for the
 * plugin's tests, which must replay real responses, never hand-written ones.
 */
export async function recordFixture(name: string, body: unknown): Promise<void> {
  if (process.env.RALLY_MONITOR_RECORD_FIXTURES !== '1') return;
  const file = join(RECORD_DIR, name);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
}

/**
 * Waits for a file a running cycle writes (a service's result is written as soon as its task ends, before the next
 * service's task starts), failing as soon as the cycle ends without it.
 */
export async function waitForFile(path: string, cycle: Promise<unknown>, timeoutMs = 600_000): Promise<void> {
  let ended = false;
  void cycle.finally(() => (ended = true));
  const until = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (ended) throw new Error(`the cycle ended before ${path} appeared`);
    if (Date.now() > until) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
