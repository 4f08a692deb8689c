// Replays runner responses recorded from a real runner run (test/fixtures/runner-api/, written by the runner's
// integration test with RALLY_MONITOR_RECORD_FIXTURES=1). It answers only what was recorded; anything else is 404
// in the runner's error shape.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RECORDED_DIR =
  process.env.RUNNER_FIXTURES_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/runner-api');

/**
 * Rally's own outputs of a Keystone task (runner/test/fixtures/rally-3.3.0, from real Rally 3.3.0 runs; not from the
 * recorded cycle itself, whose artifacts were not kept), served for the recorded runs' artifact routes.
 */
const RALLY_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../runner/test/fixtures/rally-3.3.0'
);
const ARTIFACTS = {
  'report.html': { file: 'keystone-pass.report.html', kind: 'html', type: 'text/html; charset=utf-8' },
  'junit.xml': { file: 'keystone-pass.junit.xml', kind: 'junit', type: 'application/xml; charset=utf-8' },
  'rally.log': { file: 'failed-iterations.task-start.log', kind: 'log', type: 'text/plain; charset=utf-8' },
};
// The runner's own headers for its reports (runner/src/http/server.ts), read from its source so they cannot drift.
const SERVER_SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../runner/src/http/server.ts');
export const RUNNER_REPORT_CSP = /REPORT_CSP =\s*"([^"]+)"/.exec(fs.readFileSync(SERVER_SOURCE, 'utf8'))[1];

/** The artifact a recorded run kept for `service`, as the runner would serve it, or undefined. */
function artifactFor(pathname, search, dir) {
  const match = /^\/api\/runs\/([0-9]{8}T[0-9]{6}Z-[0-9a-f]{6})\/(report\.html|junit\.xml|rally\.log)$/.exec(pathname);
  const runFile = match && path.join(dir, `run-${match[1]}.json`);
  if (!runFile || !fs.existsSync(runFile)) return undefined;
  const artifact = ARTIFACTS[match[2]];
  const run = JSON.parse(fs.readFileSync(runFile, 'utf8'));
  const asked = new URLSearchParams(search).get('service');
  const withIt = run.services.filter((s) => s.artifacts?.[artifact.kind]);
  const service = asked ? withIt.find((s) => s.service === asked) : withIt.length === 1 ? withIt[0] : undefined;
  if (!service) return undefined;
  const headers = { 'content-type': artifact.type, 'x-content-type-options': 'nosniff' };
  if (artifact.kind === 'html') {
    Object.assign(headers, {
      'content-security-policy': RUNNER_REPORT_CSP,
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
    });
  }
  return { file: path.join(RALLY_DIR, artifact.file), headers };
}

/** Cleanup monitor responses, recorded by test/record-cleanup-fixtures.mjs. */
export const CLEANUP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/cleanup');

const RECORDINGS = [
  [/^\/health$/, () => 'health.json'],
  [/^\/api\/results$/, () => 'results.json'],
  [/^\/api\/history$/, () => 'history.json'],
  [/^\/api\/runs\/([0-9]{8}T[0-9]{6}Z-[0-9a-f]{6})$/, (m) => `run-${m[1]}.json`],
  [/^\/api\/cleanup$/, () => path.join(CLEANUP_DIR, 'cleanup.json')],
  [/^\/api\/cleanup\/audit$/, () => path.join(CLEANUP_DIR, 'cleanup-audit.json')],
];

export function recordingFor(pathname, dir = RECORDED_DIR) {
  for (const [pattern, name] of RECORDINGS) {
    const match = pattern.exec(pathname);
    if (match) {
      const file = path.resolve(dir, name(match));
      return fs.existsSync(file) ? file : undefined;
    }
  }
  return undefined;
}

export async function startRecordedRunner(dir = RECORDED_DIR) {
  for (const required of ['health.json', 'results.json', 'history.json']) {
    if (!fs.existsSync(path.join(dir, required))) {
      throw new Error(
        `${path.join(dir, required)} is missing: record it with the runner's integration test (RALLY_MONITOR_RECORD_FIXTURES=1).`
      );
    }
  }
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://runner');
    requests.push({ method: req.method, path: url.pathname, authorization: req.headers.authorization });
    const artifact = req.method === 'GET' ? artifactFor(url.pathname, url.search, dir) : undefined;
    if (artifact) {
      res.writeHead(200, artifact.headers);
      return fs.createReadStream(artifact.file).pipe(res);
    }
    const file = req.method === 'GET' ? recordingFor(url.pathname, dir) : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({ error: `nothing recorded for ${req.method} ${url.pathname}`, code: 'not_found' })
      );
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}
