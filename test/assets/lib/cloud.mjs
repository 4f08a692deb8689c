// The real local OpenStack of test/cloud/cloud.sh. Only one cloud runs per machine, so a running one is reused
// (its folder is named in /run/rally-monitor-cloud.dir) and only a cloud this process brought up is taken down.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from './repo.mjs';

const PORT_MARKER = '/run/rally-monitor-cloud.dir';

function cloudSh(dir, args, { timeoutMs = 900_000 } = {}) {
  const result = spawnSync('bash', [repoPath('test', 'cloud', 'cloud.sh'), ...args], {
    env: { ...process.env, CLOUD_DIR: dir },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.status !== 0) {
    throw new Error(`cloud.sh ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout + result.stderr;
}

function runningCloudDir() {
  // scripts/test.sh names the cloud it brought up; CLOUD_DIR is cloud.sh's own variable.
  const named = process.env.RALLY_MONITOR_TEST_CLOUD_DIR || process.env.CLOUD_DIR;
  if (named) return named;
  if (!existsSync(PORT_MARKER)) return null;
  const dir = readFileSync(PORT_MARKER, 'utf8').trim();
  const status = spawnSync('bash', [repoPath('test', 'cloud', 'cloud.sh'), 'status', 'keystone'], { env: { ...process.env, CLOUD_DIR: dir } });
  return status.status === 0 ? dir : null;
}

/** Brings up (or reuses) a cloud with `services`; returns its folder, credentials and how to break it. */
export function ensureCloud(services, log = console.log) {
  const reused = runningCloudDir();
  const dir = reused ?? mkdtempSync(join(tmpdir(), 'rally-monitor-cloud-'));
  log(`# ${reused ? 'reusing the cloud in' : 'bringing up a cloud in'} ${dir} with ${services.join(', ')}`);
  cloudSh(dir, ['up', ...services]);
  const credentials = JSON.parse(readFileSync(join(dir, 'cloud.json'), 'utf8'));
  return {
    dir,
    credentials,
    ownedByThisTest: !reused,
    stopService: (name) => cloudSh(dir, ['stop-service', name]),
    startService: (name) => cloudSh(dir, ['start-service', name]),
    down: () => cloudSh(dir, ['down']),
  };
}

/** The OS_* environment of the cloud's admin, as the runner reads it. */
export function openstackEnv(credentials) {
  return {
    OS_AUTH_URL: credentials.authUrl,
    OS_USERNAME: credentials.username,
    OS_PASSWORD: credentials.password,
    OS_PROJECT_NAME: credentials.projectName,
    OS_USER_DOMAIN_NAME: credentials.userDomainName,
    OS_PROJECT_DOMAIN_NAME: credentials.projectDomainName,
    OS_REGION_NAME: credentials.region,
  };
}
