// `npm run bench` (runner part). Figures are printed side by side with a baseline measured in the same run,
// because the machine is shared and noisy: read the ratios, not the absolute numbers alone.
//   1. ingest: parse + statistics of a real 5,000-iteration Rally report, against JSON.parse alone
//   2. /metrics latency with 2,000 cycles of history, against 1 cycle
//   3. runner overhead per cycle: wall time outside Rally's processes, as a share of a real cycle
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { runCycle } from '../src/cycle.js';
import { HistoryStore, newRunId } from '../src/history/store.js';
import { buildServer } from '../src/http/server.js';
import { RunnerMetrics } from '../src/metrics.js';
import type { Cycle } from '../src/model.js';
import { Monitor } from '../src/monitor.js';
import { Rally } from '../src/rally/rally.js';
import { parseReport } from '../src/rally/report.js';
import { cloudEnv, REPO_ROOT, testCloud } from '../test/support/runner-process.js';
import { tempDir } from '../test/helpers.js';

const BENCH_DIR = join(REPO_ROOT, '.bench');
const BIG_TASK = fileURLToPath(new URL('../../bench/big-task.yaml', import.meta.url));
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5000);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function config(dataDir: string, extra: Record<string, string> = {}) {
  return loadConfig({
    ...cloudEnv(testCloud()),
    RALLY_MONITOR_DATA_DIR: dataDir,
    RALLY_MONITOR_ITERATIONS: '1',
    ...extra,
  });
}

async function bigReport(): Promise<string> {
  const path = join(BENCH_DIR, `rally-${ITERATIONS}.report.json`);
  if (existsSync(path)) return path;
  await mkdir(BENCH_DIR, { recursive: true });
  console.log(
    `generating a real ${ITERATIONS}-iteration report with Rally against the local Keystone (once; cached in .bench/)...`
  );
  const rally = new Rally({ bin: 'rally', home: join(BENCH_DIR, 'rally'), envName: 'bench' });
  await rally.ensureDatabase();
  await rally.ensureEnvironment(config(BENCH_DIR).openstack);
  const run = await rally.startTask(
    BIG_TASK,
    { iterations: ITERATIONS, concurrency: 4 },
    { tag: 'bench', logFile: join(BENCH_DIR, 'big-task.log') }
  );
  if (!run.taskUuid) throw new Error(`Rally did not start the task: ${run.output.slice(-2000)}`);
  const exported = await rally.exportTask(run.taskUuid, {
    json: path,
    html: join(BENCH_DIR, 'big.html'),
    junit: join(BENCH_DIR, 'big.xml'),
  });
  if (!exported.json) throw new Error(exported.problems.join('; '));
  return path;
}

/** Runs in a fresh process so its peak RSS is the ingest's alone. */
function ingestChild(path: string, mode: 'parse' | 'ingest'): { ms: number; extraRssMb: number } {
  const script = `
    import { readFileSync } from 'node:fs';
    import { parseReport } from ${JSON.stringify(new URL('../src/rally/report.js', import.meta.url).href)};
    const before = process.resourceUsage().maxRSS;
    const t = performance.now();
    const text = readFileSync(${JSON.stringify(path)}, 'utf8');
    const result = ${mode === 'parse' ? 'JSON.parse(text)' : 'parseReport(text)'};
    const ms = performance.now() - t;
    if (!result) throw new Error('empty');
    console.log(JSON.stringify({ ms, extraRssMb: (process.resourceUsage().maxRSS - before) / 1024 }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
    ms: number;
    extraRssMb: number;
  };
}

async function benchIngest(): Promise<void> {
  const path = await bigReport();
  const parsed = parseReport(readFileSync(path, 'utf8'));
  const iterations = parsed.workloads.reduce((n, w) => n + w.iterations, 0);
  const sizeMb = readFileSync(path).length / 1e6;
  const parseOnly: number[] = [];
  const full: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    parseOnly.push(ingestChild(path, 'parse').ms);
    const run = ingestChild(path, 'ingest');
    full.push(run.ms);
    rss.push(run.extraRssMb);
  }
  const ingestMs = median(full);
  console.log(
    `ingest: ${iterations} iterations, ${sizeMb.toFixed(1)} MB report: read+parse+statistics ${ingestMs.toFixed(0)} ms ` +
      `(target < 1000), JSON.parse alone ${median(parseOnly).toFixed(0)} ms, ratio ${(ingestMs / median(parseOnly)).toFixed(2)}x; ` +
      `extra RSS ${median(rss).toFixed(0)} MB (target < 200)`
  );
}

async function timeMetrics(url: string, requests: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    const t = performance.now();
    const response = await fetch(`${url}/metrics`);
    await response.text();
    times.push(performance.now() - t);
  }
  return times;
}

async function serveHistory(cycles: Cycle[]): Promise<{ url: string; close: () => Promise<void> }> {
  const dataDir = await tempDir('rally-monitor-bench-');
  const store = new HistoryStore(join(dataDir, 'runs'));
  await store.open();
  for (const cycle of cycles) await store.finishCycle(cycle);
  const reopened = new HistoryStore(join(dataDir, 'runs'));
  await reopened.open();
  const cfg = config(dataDir);
  const logger = pino({ level: 'silent' });
  const metrics = new RunnerMetrics({ cloud: 'bench', region: 'r' }, 'bench');
  const monitor = new Monitor({
    config: cfg,
    rally: new Rally({ bin: 'rally', home: join(dataDir, 'rally'), envName: 'b' }),
    store: reopened,
    logger,
    secrets: [],
    metrics,
  });
  monitor.restoreMetrics();
  const app = buildServer({ monitor, metrics, logger, apiToken: null, protectReads: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
}

async function benchMetrics(sample: Cycle): Promise<void> {
  const start = Date.now() - 2000 * 300_000;
  const many = Array.from({ length: 2000 }, (_, i) => {
    const at = new Date(start + i * 300_000);
    return { ...sample, id: newRunId(at), startedAt: at.toISOString(), finishedAt: at.toISOString() };
  });
  const big = await serveHistory(many);
  const small = await serveHistory(many.slice(-1));
  await timeMetrics(big.url, 50);
  await timeMetrics(small.url, 50);
  const withMany: number[] = [];
  const withOne: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    withMany.push(...(await timeMetrics(big.url, 100)));
    withOne.push(...(await timeMetrics(small.url, 100)));
  }
  await big.close();
  await small.close();
  const p99Many = quantile(withMany, 0.99);
  const p99One = quantile(withOne, 0.99);
  console.log(
    `/metrics: 2,000 cycles of history p50 ${quantile(withMany, 0.5).toFixed(2)} ms, p99 ${p99Many.toFixed(2)} ms (target < 50); ` +
      `1 cycle p99 ${p99One.toFixed(2)} ms; ratio ${(p99Many / p99One).toFixed(2)}x`
  );
}

async function benchOverhead(): Promise<Cycle> {
  const dataDir = await tempDir('rally-monitor-bench-');
  const cfg = config(dataDir, {
    RALLY_NOVA_IMAGE: testCloud().image,
    RALLY_MONITOR_SERVICES: process.env.BENCH_SERVICES ?? '',
  });
  const logger = pino({ level: 'silent' });
  const store = new HistoryStore(join(dataDir, 'runs'));
  await store.open();
  const rally = new Rally({ bin: 'rally', home: join(dataDir, 'rally'), envName: 'bench' });
  await rally.ensureDatabase();
  const busyBefore = rally.busySeconds();
  const cycle = await runCycle({ config: cfg, rally, store, logger, secrets: [] }, { id: newRunId(), trigger: 'cli' });
  const rallySeconds = rally.busySeconds() - busyBefore;
  const overhead = cycle.durationSeconds - rallySeconds;
  for (const s of cycle.services.filter((x) => x.state !== 'absent')) {
    console.log(
      `  ${s.service.padEnd(10)} ${s.state.padEnd(5)} task wall time ${s.durationSeconds?.toFixed(1).padStart(6)} s, ` +
        `${s.workloads.length} workloads${s.skipped ? `, ${s.skipped.length} skipped` : ''}${s.state === 'pass' ? '' : ` (${s.reason})`}`
    );
  }
  console.log(
    `overhead: cycle ${cycle.durationSeconds.toFixed(1)} s, Rally processes ${rallySeconds.toFixed(1)} s, runner's own ` +
      `${overhead.toFixed(2)} s = ${((100 * overhead) / cycle.durationSeconds).toFixed(2)}% of the cycle (target < 5%)`
  );
  return cycle;
}

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const cycle = want('overhead') ? await benchOverhead() : null;
if (want('metrics')) {
  await benchMetrics(
    cycle ?? (JSON.parse(await readFile(join(REPO_ROOT, 'test/fixtures/runner-api/results.json'), 'utf8')) as Cycle)
  );
}
if (want('ingest')) await benchIngest();
