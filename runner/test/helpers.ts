import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attribution, Leak } from '../src/cleanup/leak.js';
import type { OpenStackCredentials } from '../src/config.js';
import type { ServiceName } from '../src/services.js';

/** runner/test/ in the source tree (tests run from runner/dist/test/...). */
export const TEST_SOURCE_DIR = fileURLToPath(new URL('../../test/', import.meta.url));
export const RUNNER_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));

export function fixturePath(name: string): string {
  return join(TEST_SOURCE_DIR, 'fixtures', 'rally-3.3.0', name);
}

export function readFixture(name: string): Promise<string> {
  return readFile(fixturePath(name), 'utf8');
}

export function tempDir(prefix = 'rally-monitor-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Credentials for tests that hand their session its own `authenticate`: the auth URL is a closed loopback port. */
export const FAKE_CREDENTIALS: OpenStackCredentials = {
  authUrl: 'http://127.0.0.1:1/v3',
  username: 'u',
  password: 'p',
  projectName: 'p',
  userDomainName: 'Default',
  projectDomainName: 'Default',
  regionName: 'RegionOne',
  interface: 'public',
  insecure: false,
};

/** A leak as the scan reports it, for tests of what is done with leaks (planning, metrics): a Rally-shaped name. */
export function testLeak(
  service: ServiceName,
  type: string,
  ageSeconds: number,
  runId: string | null = null,
  attribution: Attribution = 'run'
): Leak {
  return {
    service,
    type,
    id: `${type}-${ageSeconds}`,
    name: `s_rally_12345678_${type.slice(0, 8).padEnd(8, 'x')}`,
    project: null,
    userId: null,
    createdAt: null,
    firstSeenAt: '2026-11-22T00:00:00.000Z',
    ageSeconds,
    taskPrefix: '12345678',
    taskUuid: null,
    runId,
    attribution,
  };
}
