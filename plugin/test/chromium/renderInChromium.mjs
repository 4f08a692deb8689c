// Loads the built plugin in real headless Chromium inside a host page that supplies Grafana's shared modules,
// against a runner reachable at `runnerUrl` through an emulated Grafana plugin proxy. Usable on its own:
//   node test/chromium/renderInChromium.mjs http://127.0.0.1:9101 [token]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import webpack from 'webpack';

import hostConfig, { HOST_OUTPUT_DIR } from './host/webpack.config.mjs';
import { startHostServer } from './hostServer.mjs';
import { startRecordedPrometheus } from './recordedPrometheus.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PLUGIN_DIR = path.resolve(here, '../..');
export const DIST_DIR = path.join(PLUGIN_DIR, 'dist');
export const ARTIFACTS_DIR = path.join(PLUGIN_DIR, 'test-artifacts');
const SYSTEMJS_DIR = path.dirname(fileURLToPath(import.meta.resolve('systemjs/dist/system.js')));
const UI_PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.resolve('@grafana/ui'))), '../public');
const APP_ID = 'rallymonitor-openstack-app';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function buildHost() {
  return new Promise((resolve, reject) =>
    webpack(hostConfig, (err, stats) => {
      if (err || stats.hasErrors()) {
        reject(err ?? new Error(stats.toString({ all: false, errors: true })));
      } else {
        resolve(path.join(HOST_OUTPUT_DIR, 'host.js'));
      }
    })
  );
}

/** The span of the runner's recorded cycles, so the page shows them whenever the test runs. */
async function cycleSpan(hostUrl) {
  const response = await fetch(`${hostUrl}/api/plugin-proxy/${APP_ID}/runner/api/history?limit=500`);
  if (!response.ok) {
    return { from: Date.now() - 24 * 3600_000, to: Date.now() };
  }
  const { items } = await response.json();
  const times = items.flatMap((c) => [Date.parse(c.startedAt), Date.parse(c.finishedAt)]);
  if (times.length === 0) {
    return { from: Date.now() - 24 * 3600_000, to: Date.now() };
  }
  const first = Math.min(...times);
  const last = Math.max(...times);
  const margin = Math.max((last - first) * 0.05, 60_000);
  return { from: Math.floor(first - margin), to: Math.ceil(last + margin) };
}

/**
 * Opens a browser session on the host page for `role`. The caller drives it with the returned helpers and must
 * call close().
 */
export async function openHost({
  runnerUrl,
  runnerToken = '',
  role = 'Admin',
  grantedRoles = [],
  rbac = true,
  distDir = DIST_DIR,
  // The app's Prometheus data source: a real one's URL, else a replay of answers recorded from real canaries.
  prometheusUrl,
}) {
  if (!fs.existsSync(path.join(distDir, 'module.js'))) {
    throw new Error(`${distDir}/module.js is missing: run \`npm run build\` in plugin/ first.`);
  }
  await buildHost();
  const prometheus = prometheusUrl ? { url: prometheusUrl, close: async () => {} } : await startRecordedPrometheus();
  const server = await startHostServer({
    distDir,
    hostDir: HOST_OUTPUT_DIR,
    systemjsDir: SYSTEMJS_DIR,
    uiPublicDir: UI_PUBLIC_DIR,
    runnerUrl,
    runnerToken,
    role,
    grantedRoles,
    rbac,
    datasources: [{ uid: 'rally-prometheus', type: 'prometheus', url: prometheus.url }],
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Runner errors through the proxy are part of what is tested; anything else failing to load is a defect.
  page.on(
    'response',
    (r) => r.status() >= 400 && !r.url().includes('/api/plugin-proxy/') && pageErrors.push(`${r.status()} ${r.url()}`)
  );
  await page.goto(server.url);
  await page.waitForFunction(() => window.hostReady === true);
  const span = await cycleSpan(server.url);

  const screenshot = async (name, { fullPage = true } = {}) => {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    return file;
  };

  return {
    page,
    server,
    span,
    pageErrors,
    screenshot,
    renderApp: (appPath, theme = 'dark') =>
      page.evaluate(({ appPath, theme }) => window.host.renderApp({ path: appPath, theme }), {
        appPath: `/a/${APP_ID}/${appPath}`,
        theme,
      }),
    renderPanel: (theme = 'dark', size = { width: 1100, height: 360 }) =>
      page.evaluate((args) => window.host.renderPanel(args), { ...span, theme, ...size }),
    close: async () => {
      await browser.close();
      await server.close();
      await prometheus.close();
    },
  };
}

/** Overview (dark and light) and the timeline panel against the runner at runnerUrl, with screenshots. */
export async function renderPluginInChromium({ runnerUrl, runnerToken = '', role = 'Admin', prefix = 'chromium' }) {
  const host = await openHost({ runnerUrl, runnerToken, role });
  try {
    const overviewPath = `overview?from=${host.span.from}&to=${host.span.to}`;
    const result = { span: host.span, screenshots: [], overview: {}, panel: {} };
    for (const theme of ['dark', 'light']) {
      await host.renderApp(overviewPath, theme);
      await host.page.waitForSelector(
        '[data-testid^="service-row-"], [role="alert"], [data-testid="status-timeline"]',
        { timeout: 20_000 }
      );
      await host.page.waitForFunction(() => !document.body.textContent.includes('Loading'), null, { timeout: 20_000 });
      result.screenshots.push(await host.screenshot(`${prefix}-overview-${theme}`));
    }
    result.overview = await host.page.evaluate(() => ({
      rows: Array.from(document.querySelectorAll('[data-testid^="service-row-"]')).map((row) => ({
        service: row.getAttribute('data-testid').replace('service-row-', ''),
        text: row.textContent,
      })),
      lanes: Array.from(document.querySelectorAll('[data-testid^="timeline-lane-"]')).map((l) => ({
        name: l.getAttribute('data-testid').replace('timeline-lane-', ''),
        states: Array.from(l.querySelectorAll('rect[data-state]')).map((r) => r.getAttribute('data-state')),
      })),
      alerts: Array.from(document.querySelectorAll('[role="alert"]')).map((a) => a.textContent),
      dataplane: document.querySelector('[data-testid="dataplane-lane"]')?.textContent ?? null,
      buttons: Array.from(document.querySelectorAll('button'))
        .map((b) => b.textContent.trim())
        .filter(Boolean),
    }));
    const service = result.overview.rows[0]?.service;
    if (service) {
      await host.renderApp(`service/${service}?from=${host.span.from}&to=${host.span.to}`, 'dark');
      await host.page.waitForSelector('table[aria-label="Workloads"], [role="alert"]', { timeout: 20_000 });
      await host.page.waitForFunction(() => !document.body.textContent.includes('Loading'), null, { timeout: 20_000 });
      result.screenshots.push(await host.screenshot(`${prefix}-service-dark`));
      result.service = await host.page.evaluate(() => ({
        workloads: Array.from(document.querySelectorAll('[data-testid^="workload-"]')).map((w) =>
          w.getAttribute('data-testid').slice('workload-'.length)
        ),
        latencies: document.querySelectorAll('[data-testid^="latency-"]').length,
        alerts: Array.from(document.querySelectorAll('[role="alert"]')).map((a) => a.textContent),
      }));
      result.service.name = service;
    }
    const frames = await host.renderPanel('dark');
    await host.page.waitForSelector(
      '[data-testid="status-timeline"], [data-testid="host-panel"] :text("No status series")',
      { timeout: 20_000 }
    );
    result.screenshots.push(await host.screenshot(`${prefix}-panel-dark`));
    result.panel = await host.page.evaluate(() => ({
      lanes: Array.from(document.querySelectorAll('[data-testid^="timeline-lane-"]')).map((l) => ({
        name: l.getAttribute('data-testid').replace('timeline-lane-', ''),
        states: Array.from(l.querySelectorAll('rect[data-state]')).map((r) => r.getAttribute('data-state')),
        fills: Array.from(l.querySelectorAll('rect[data-state]')).map((r) => r.getAttribute('fill')),
      })),
      uptimes: Array.from(document.querySelectorAll('[data-testid^="uptime-"]')).map((u) => u.textContent),
    }));
    result.panel.frames = frames;
    result.pageErrors = host.pageErrors;
    result.proxied = host.server.proxied;
    return result;
  } finally {
    await host.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [runnerUrl, runnerToken] = process.argv.slice(2);
  if (!runnerUrl) {
    console.error('usage: node test/chromium/renderInChromium.mjs <runner base URL> [token]');
    process.exit(2);
  }
  const result = await renderPluginInChromium({ runnerUrl, runnerToken, prefix: 'chromium-live' });
  console.log(JSON.stringify(result, null, 2));
}
