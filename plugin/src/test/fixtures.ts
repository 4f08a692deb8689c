import fs from 'fs';
import path from 'path';

/**
 * Runner responses recorded from a real runner run against the local cloud (test/fixtures/runner-api/, written by
 * the runner's integration test). Never hand-written.
 */
export const RUNNER_FIXTURES_DIR =
  process.env.RUNNER_FIXTURES_DIR ?? path.resolve(__dirname, '../../../test/fixtures/runner-api');

/** Runner answers in other states (status and body), recorded by plugin/test/record-runner-states.mjs. */
export const RUNNER_STATES_DIR = path.resolve(__dirname, '../../test/fixtures/runner-states');

/** Cleanup monitor responses, recorded by plugin/test/record-cleanup-fixtures.mjs from a real runner. */
export const CLEANUP_FIXTURES_DIR = path.resolve(__dirname, '../../test/fixtures/cleanup');

export function runnerFixture<T>(name: string, dir = RUNNER_FIXTURES_DIR): T {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    throw new Error(`Missing recorded runner response ${file}: see the README next to it for how to record it.`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function runnerFixtureNames(): string[] {
  return fs.existsSync(RUNNER_FIXTURES_DIR) ? fs.readdirSync(RUNNER_FIXTURES_DIR) : [];
}
