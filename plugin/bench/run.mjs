// Benchmark (not a test): the status timeline panel rendering 7 lanes x 2016 points (7 days at a 5-minute cadence)
// in headless Chromium, loaded from dist/ like Grafana loads it; and the built plugin's total gzip JS size.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { DIST_DIR, openHost } from '../test/chromium/renderInChromium.mjs';

const LANES = 7;
const POINTS = 2016;
const WARMUP = 3;
const ITERATIONS = 20;
const TARGET_MS = 50;

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? jsFiles(full) : e.name.endsWith('.js') ? [full] : [];
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// No runner is needed: the panel gets synthetic data frames, as from a Prometheus query.
const host = await openHost({ runnerUrl: 'http://127.0.0.1:9' });
try {
  const { times, cells, lanesRendered } = await host.page.evaluate(
    (args) => window.host.benchPanel(args),
    { lanes: LANES, points: POINTS, iterations: WARMUP + ITERATIONS }
  );
  const measured = times.slice(WARMUP).sort((a, b) => a - b);
  const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
  console.log(`timeline panel, ${LANES} lanes x ${POINTS} points (${lanesRendered} lanes, ${cells} cells drawn), Chromium, ${ITERATIONS} renders after ${WARMUP} warm-up:`);
  console.log(`  mean ${mean.toFixed(1)} ms/render, p50 ${percentile(measured, 50).toFixed(1)} ms, p95 ${percentile(measured, 95).toFixed(1)} ms, max ${measured[measured.length - 1].toFixed(1)} ms (target < ${TARGET_MS} ms)`);
} finally {
  await host.close();
}

const files = jsFiles(DIST_DIR);
let raw = 0;
let gzip = 0;
for (const file of files) {
  const content = fs.readFileSync(file);
  raw += content.length;
  gzip += zlib.gzipSync(content, { level: 9 }).length;
}
console.log(`built plugin JS: ${files.length} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip`);
