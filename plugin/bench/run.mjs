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

// Builds measured side by side: this checkout's dist/, and a baseline build when BENCH_PLUGIN_BASELINE_DIST names one
// (scripts/bench.sh builds it from BENCH_BASELINE_REV), so a before/after ratio comes from one run on one machine.
const builds = [{ name: 'this build', distDir: DIST_DIR }];
if (process.env.BENCH_PLUGIN_BASELINE_DIST) {
  builds.push({
    name: `baseline (${process.env.BENCH_BASELINE_REV ?? process.env.BENCH_PLUGIN_BASELINE_DIST})`,
    distDir: process.env.BENCH_PLUGIN_BASELINE_DIST,
  });
}
const ROUNDS = 3;

// No runner is needed: the panel gets synthetic data frames, as from a Prometheus query.
const hosts = [];
try {
  for (const build of builds) hosts.push(await openHost({ runnerUrl: 'http://127.0.0.1:9', distDir: build.distDir }));
  const results = builds.map(() => ({ times: [], cells: 0, lanesRendered: 0 }));
  // Rounds alternate between the builds, so a slow spell of the machine falls on both alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, host] of hosts.entries()) {
      const { times, cells, lanesRendered } = await host.page.evaluate((args) => window.host.benchPanel(args), {
        lanes: LANES,
        points: POINTS,
        iterations: WARMUP + ITERATIONS,
      });
      results[i].times.push(...times.slice(WARMUP));
      results[i].cells = cells;
      results[i].lanesRendered = lanesRendered;
    }
  }
  console.log(
    `timeline panel, ${LANES} lanes x ${POINTS} points, Chromium, ${ROUNDS} rounds of ${ITERATIONS} renders after ${WARMUP} warm-up each:`
  );
  const means = [];
  for (const [i, build] of builds.entries()) {
    const measured = [...results[i].times].sort((a, b) => a - b);
    const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
    means.push(mean);
    console.log(
      `  ${build.name}: mean ${mean.toFixed(1)} ms/render, p50 ${percentile(measured, 50).toFixed(1)} ms, p95 ${percentile(measured, 95).toFixed(1)} ms, ` +
        `max ${measured[measured.length - 1].toFixed(1)} ms (${results[i].lanesRendered} lanes, ${results[i].cells} cells drawn; target < ${TARGET_MS} ms)`
    );
  }
  if (means.length === 2) console.log(`  this build / baseline: ${(means[0] / means[1]).toFixed(2)}x the render time`);
} finally {
  for (const host of hosts) await host.close();
}

function jsSize(distDir) {
  let raw = 0;
  let gzip = 0;
  const files = jsFiles(distDir);
  for (const file of files) {
    const content = fs.readFileSync(file);
    raw += content.length;
    gzip += zlib.gzipSync(content, { level: 9 }).length;
  }
  return { files: files.length, raw, gzip };
}
const sizes = builds.map((build) => jsSize(build.distDir));
for (const [i, build] of builds.entries()) {
  const { files, raw, gzip } = sizes[i];
  console.log(
    `built plugin JS, ${build.name}: ${files} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip`
  );
}
if (sizes.length === 2) {
  console.log(`  this build / baseline: ${(sizes[0].gzip / sizes[1].gzip).toFixed(2)}x the gzip size`);
}
