import fs from 'fs';
import path from 'path';

/**
 * Runner responses recorded from a real runner run against the local cloud (test/fixtures/runner-api/, written by
 * the runner's integration test). Never hand-written.
 */
export const RUNNER_FIXTURES_DIR = process.env.RUNNER_FIXTURES_DIR ?? path.resolve(__dirname, '../../../test/fixtures/runner-api');

export function runnerFixture<T>(name: string): T {
  const file = path.join(RUNNER_FIXTURES_DIR, name);
  if (!fs.existsSync(file)) {
    throw new Error(`Missing recorded runner response ${file}: run the runner's integration test to record it.`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function runnerFixtureNames(): string[] {
  return fs.existsSync(RUNNER_FIXTURES_DIR) ? fs.readdirSync(RUNNER_FIXTURES_DIR) : [];
}
