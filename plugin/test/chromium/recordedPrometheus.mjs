// Replays Prometheus answers recorded from real canary agents scraped by a real Prometheus
// (test/fixtures/dataplane/, written by test/record-dataplane-fixtures.mjs): GET /api/v1/query and
// /api/v1/query_range answer the recorded body of the same query; any other query is Prometheus's 400 bad_data.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATAPLANE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/dataplane');

export function readDataplaneRecording(name = 'mesh.json') {
  return JSON.parse(fs.readFileSync(path.join(DATAPLANE_DIR, name), 'utf8'));
}

export async function startRecordedPrometheus(name = 'mesh.json') {
  const recording = readDataplaneRecording(name);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://prometheus');
    const query = url.searchParams.get('query');
    const body =
      req.method !== 'GET'
        ? undefined
        : url.pathname === '/api/v1/query'
          ? recording.instant[query]
          : url.pathname === '/api/v1/query_range'
            ? recording.range.find((r) => r.query === query)?.body
            : undefined;
    res.writeHead(body ? 200 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { status: 'error', errorType: 'bad_data', error: `not recorded: ${query}` }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    recording,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
