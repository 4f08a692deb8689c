// The project's shared helpers for tests against the real runner and the real local cloud, compiled with the
// runner (runner/test/support/*.ts -> runner/dist/test/support/*.js): one way to start a runner, reach the test
// cloud and seed Rally-named leaks, for every part of the project.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from './repo.mjs';

// RALLY_MONITOR_RUNNER_DIST points at another build of the runner (e.g. of a clean checkout) during development.
const dist = () => process.env.RALLY_MONITOR_RUNNER_DIST || repoPath('runner', 'dist');

async function load(...parts) {
  const path = join(dist(), ...parts);
  if (!existsSync(path)) throw new Error(`${path} is missing: build the runner first (npm run build -w runner)`);
  return import(pathToFileURL(path).href);
}

export const runnerProcess = () => load('test', 'support', 'runner-process.js');
export const cloudSeed = () => load('test', 'support', 'cloud-seed.js');
export const openstackSession = () => load('src', 'openstack', 'session.js');
export const runnerConfig = () => load('src', 'config.js');
export const envFile = () => load('test', 'support', 'env-file.js');
export const container = () => load('test', 'support', 'container.js');
