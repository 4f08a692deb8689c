// Records the Prometheus answers that the Dataplane page's and the Overview lane's tests replay, from REAL canary
// agents (`rally-monitor canary serve` of the built runner) probing each other on loopback, scraped by a REAL
// Prometheus (Debian's) as the canary scrape job does. The queries are the app's own (src/status/dataplaneQueries.ts,
// imported as it is). Two recordings:
//   empty.json  the matrix queries on a Prometheus that scrapes no canary ("no canaries");
//   mesh.json   four agents in three AZs of two datacenters (two in dc1/az1), probing every second; after about
//               20 s the dc2/az3 agent is stopped, so its pairs lose probes (refused) and become unreachable.
//               Also the range queries of one healthy pair and one pair to the stopped agent.
// Needs no cloud; run after building the runner:  node plugin/test/record-dataplane-fixtures.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startCanaryMesh } from '../../test/assets/lib/canary-mesh.mjs';
import { startPrometheus } from '../../test/assets/lib/prometheus-stack.mjs';
import { waitFor } from '../../test/assets/lib/processes.mjs';
import { MATRIX_QUERIES, pairQueries } from '../src/status/dataplaneQueries.ts';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/dataplane');
const ZONES = [
  { id: 'canary-dc1-az1-a', datacenter: 'dc1', az: 'az1' },
  { id: 'canary-dc1-az1-b', datacenter: 'dc1', az: 'az1' },
  { id: 'canary-dc1-az2', datacenter: 'dc1', az: 'az2' },
  { id: 'canary-dc2-az3', datacenter: 'dc2', az: 'az3' },
];
const STOPPED = 'canary-dc2-az3';
const HEALTHY_PAIR = { srcDatacenter: 'dc1', srcAz: 'az1', dstDatacenter: 'dc1', dstAz: 'az2' };
const BROKEN_PAIR = { srcDatacenter: 'dc1', srcAz: 'az1', dstDatacenter: 'dc2', dstAz: 'az3' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function save(name, body) {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, name), `${JSON.stringify(body, null, 2)}\n`);
  console.log(`recorded ${name}`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-dataplane-record-'));
let prometheus;
let mesh;
try {
  mesh = await startCanaryMesh(path.join(dir, 'mesh'), ZONES, { intervalSeconds: 1, probeTimeoutSeconds: 1 });
  prometheus = await startPrometheus(dir, {
    rulesText: 'groups: []\n',
    scrapeJobs: [],
    alertmanagerAddress: '127.0.0.1:9',
    scrapeInterval: '1s',
  });
  const get = async (api, params) => {
    const response = await fetch(`${prometheus.url}/api/v1/${api}?${new URLSearchParams(params)}`);
    const body = await response.json();
    if (response.status !== 200 || body.status !== 'success') {
      throw new Error(`${api} ${params.query}: ${JSON.stringify(body)}`);
    }
    return body;
  };
  const instant = async () =>
    Object.fromEntries(
      await Promise.all(Object.values(MATRIX_QUERIES).map(async (q) => [q, await get('query', { query: q })]))
    );

  save('empty.json', { recordedAt: new Date().toISOString(), instant: await instant(), range: [] });
  await prometheus.daemon.stop();

  prometheus = await startPrometheus(path.join(dir, 'mesh-prometheus'), {
    rulesText: 'groups: []\n',
    scrapeJobs: [mesh.scrapeJob()],
    alertmanagerAddress: '127.0.0.1:9',
    scrapeInterval: '1s',
  });
  const start = Date.now();
  await waitFor(
    'every pair to be scraped with its probes',
    async () => {
      const { data } = await get('query', { query: MATRIX_QUERIES.reachable });
      // Every ordered pair of different zones (6), and az1 to itself (its two agents probe each other).
      return data.result.length === 7;
    },
    { timeoutMs: 60_000 }
  );
  await sleep(20_000);
  await mesh.stopAgent(STOPPED);
  // Three lost probes in a row make a peer unreachable; a few more scrapes so the rates see the losses.
  await sleep(8_000);
  const end = Date.now();
  const range = [];
  for (const pair of [HEALTHY_PAIR, BROKEN_PAIR]) {
    for (const query of Object.values(pairQueries(pair))) {
      const params = { query, start: String(Math.floor(start / 1000)), end: String(Math.ceil(end / 1000)), step: '2' };
      range.push({ ...params, body: await get('query_range', params) });
    }
  }
  save('mesh.json', {
    recordedAt: new Date().toISOString(),
    zones: ZONES,
    stopped: STOPPED,
    instant: await instant(),
    range,
  });
} finally {
  await mesh?.stop();
  await prometheus?.daemon.stop();
  if (!process.env.KEEP_RECORD_DIR) fs.rmSync(dir, { recursive: true, force: true });
}
