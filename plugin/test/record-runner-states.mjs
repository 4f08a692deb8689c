// Records the runner's answers in the states the recorded cycle fixtures (test/fixtures/runner-api/) do not show,
// from the REAL runner against the REAL local cloud: a fresh runner before its first cycle, "Run now" without the
// token, accepted, and refused while a cycle runs. Each file holds the HTTP status and the body as received.
// It runs one Keystone cycle to its end (nothing is interrupted, so Rally cleans up after itself). Run with a cloud up:
//   RALLY_MONITOR_TEST_CLOUD_DIR=<cloud dir> node plugin/test/record-runner-states.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startRunner } from '../../runner/dist/test/support/runner-process.js';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/runner-states');

async function record(name, response) {
  const text = await response.text();
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(
    path.join(OUT, name),
    `${JSON.stringify({ status: response.status, body: JSON.parse(text) }, null, 2)}\n`
  );
  console.log(`recorded ${name}: HTTP ${response.status}`);
}

const runner = await startRunner({ env: { RALLY_MONITOR_SERVICES: 'keystone' } });
try {
  await record('fresh-health.json', await runner.request('/health'));
  await record('fresh-results.json', await runner.request('/api/results'));
  await record('fresh-history.json', await runner.request('/api/history'));
  await record('run-unauthorized.json', await runner.request('/api/runs', { method: 'POST' }));
  const started = await runner.request('/api/runs', { method: 'POST', auth: true });
  const { id } = await started.clone().json();
  await record('run-started.json', started);
  await record('run-conflict.json', await runner.request('/api/runs', { method: 'POST', auth: true }));
  await runner.waitForCycle(id, 600_000);
  while ((await runner.json('/health')).running) {
    await new Promise((r) => setTimeout(r, 500));
  }
} finally {
  await runner.stop();
}
