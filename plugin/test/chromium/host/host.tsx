// A minimal stand-in for Grafana's frontend: it shares its @grafana/*, react, react-dom, react-router, rxjs and
// emotion with plugins through SystemJS, loads a plugin's AMD module.js the way Grafana's plugin loader does, and
// mounts the app root or a panel. Requests to api/plugin-proxy/* go to the host server, which plays Grafana's proxy.
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUI from '@grafana/ui';
import React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as reactRouter from 'react-router';
import * as rxjs from 'rxjs';
// @ts-ignore: internal module, aliased in webpack.config.mjs
import { setPluginPage } from 'grafana-runtime-plugin-page';

import type { CycleSummary } from '../../../src/api/types';
import { historyPoints } from '../../../src/status/segments';

const { createTheme, dateTime, FieldType, LoadingState, toDataFrame } = grafanaData;

declare const System: {
  set(id: string, module: object): void;
  import(id: string): Promise<any>;
};

const SHARED: Record<string, object> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUI,
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  'react-router': reactRouter,
  rxjs,
};

for (const [name, module] of Object.entries(SHARED)) {
  // __useDefault hands AMD dependents the module object itself, live bindings included.
  System.set(`app:${name}`, { default: module, __useDefault: true });
}

function backendFetch(options: { url: string; method?: string; data?: unknown; responseType?: 'json' | 'text' }) {
  return new rxjs.Observable((subscriber) => {
    const url = new URL(options.url.replace(/^\//, ''), `${window.location.origin}/`);
    window
      .fetch(url, {
        method: options.method ?? 'GET',
        headers: options.data !== undefined ? { 'content-type': 'application/json' } : undefined,
        body: options.data !== undefined ? JSON.stringify(options.data) : undefined,
      })
      .then(async (response) => {
        const text = await response.text();
        let data: unknown = text;
        if (options.responseType !== 'text') {
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: keep the text, like backend_srv does.
          }
        }
        if (!response.ok) {
          subscriber.error({ status: response.status, statusText: response.statusText, data, config: options });
          return;
        }
        subscriber.next({
          data,
          status: response.status,
          ok: true,
          headers: response.headers,
          url: response.url,
          config: options,
        });
        subscriber.complete();
      })
      .catch((e) => subscriber.error({ status: 0, statusText: String(e), data: {}, config: options }));
  });
}

grafanaRuntime.setBackendSrv({ fetch: backendFetch } as any);
setPluginPage(({ children, actions }: { children?: React.ReactNode; actions?: React.ReactNode }) => (
  <div className="host-plugin-page">
    <div className="host-page-actions">{actions}</div>
    {children}
  </div>
));

// Grafana registers its option editors at start-up; panels' option builders look them up by id. The host renders
// panels, never their editors, so placeholders suffice.
grafanaData.standardEditorsRegistry.setInit(() =>
  ['color', 'boolean', 'radio', 'number', 'text', 'select', 'slider', 'unit', 'multi-select'].map((id) => ({
    id,
    name: id,
    editor: () => null,
  }))
);

const APP_ID = 'rallymonitor-openstack-app';
const container = document.getElementById('root')!;
const root = createRoot(container);

/** The hrefs Grafana's link interception took over, newest last. */
const intercepted: string[] = [];

/**
 * Grafana's click interception (public/app/core/navigation/patch/interceptLinkClicks.ts, installed on document in
 * app.ts): a plain click on an <a href> without a `target`, not already handled (defaultPrevented), is routed inside
 * the SPA with locationService.push. A path Grafana's router does not know, like the plugin proxy's, renders
 * Grafana's "Page not found" instead of the file.
 */
function interceptLinkClicks(e: MouseEvent) {
  let anchor = e.target instanceof HTMLElement ? e.target : null;
  while (anchor && anchor.tagName.toUpperCase() !== 'A') {
    anchor = anchor.parentElement;
  }
  if (e.ctrlKey || e.metaKey || e.defaultPrevented || !anchor) {
    return;
  }
  let href = anchor.getAttribute('href');
  if (!href || anchor.getAttribute('target')) {
    return;
  }
  e.preventDefault();
  href = grafanaData.locationUtil.stripBaseFromUrl(href);
  if (href[0] !== '/') {
    if (href.indexOf('://') > 0 || href.indexOf('mailto:') === 0) {
      window.location.href = href;
      return;
    } else if (href.indexOf('#') === 0) {
      window.location.hash = href;
      return;
    }
    href = `/${href}`;
  }
  intercepted.push(href);
  grafanaRuntime.locationService.push(href);
  if (!href.startsWith(`/a/${APP_ID}/`)) {
    root.render(
      <div data-testid="grafana-page-not-found">
        <h1>Page not found</h1>
      </div>
    );
  }
}
document.addEventListener('click', interceptLinkClicks);

function themed(mode: 'dark' | 'light', child: React.ReactNode) {
  const theme = createTheme({ colors: { mode } });
  document.body.style.background = theme.colors.background.primary;
  document.body.style.color = theme.colors.text.primary;
  return (
    <grafanaUI.ThemeContext.Provider value={theme}>
      <grafanaUI.GlobalStyles />
      {child}
    </grafanaUI.ThemeContext.Provider>
  );
}

async function renderApp({ path, theme }: { path: string; theme: 'dark' | 'light' }) {
  const { plugin } = await System.import(`/public/plugins/${APP_ID}/module.js`);
  const meta = { id: APP_ID, name: 'Rally Monitor for OpenStack', type: 'app', enabled: true, jsonData: {} };
  plugin.init?.(meta);
  plugin.meta = meta;
  const Root = plugin.root;
  root.render(
    themed(
      theme,
      <reactRouter.MemoryRouter key={path} initialEntries={[path]}>
        <reactRouter.Routes>
          <reactRouter.Route
            path={`/a/${APP_ID}/*`}
            element={
              <Root meta={meta} basename={`/a/${APP_ID}`} onNavChanged={() => {}} query={{}} path={`/a/${APP_ID}`} />
            }
          />
        </reactRouter.Routes>
      </reactRouter.MemoryRouter>
    )
  );
}

/** rally_service_status as Prometheus would return it, one frame per tested service, from the runner's history. */
function statusFrames(items: CycleSummary[]) {
  const services = Array.from(
    new Set(items.flatMap((c) => c.services.filter((s) => s.state !== 'absent').map((s) => s.service)))
  );
  return services.map((service) => {
    const points = historyPoints(items, service);
    return toDataFrame({
      name: 'rally_service_status',
      fields: [
        { name: 'Time', type: FieldType.time, values: points.map((p) => p.time) },
        {
          name: 'Value',
          type: FieldType.number,
          values: points.map((p) => p.value),
          labels: { service, cloud: 'default', region: 'RegionOne' },
        },
      ],
    });
  });
}

/** The props Grafana's PanelRenderer gives a panel, for data frames over an absolute range. */
function panelElement(
  plugin: any,
  frames: grafanaData.DataFrame[],
  from: number,
  to: number,
  width: number,
  height: number,
  key = 0
) {
  const Panel = plugin.panel;
  const timeRange = { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
  return (
    <Panel
      key={key}
      id={1}
      data={{ series: frames, state: LoadingState.Done, timeRange }}
      timeRange={timeRange}
      timeZone="utc"
      options={plugin.defaults}
      fieldConfig={{ defaults: {}, overrides: [] }}
      width={width}
      height={height}
      title="Service status"
      transparent={false}
      renderCounter={key}
      replaceVariables={(s: string) => s}
      onOptionsChange={() => {}}
      onFieldConfigChange={() => {}}
      onChangeTimeRange={() => {}}
      eventBus={{ subscribe: () => ({ unsubscribe() {} }), getStream: () => rxjs.EMPTY, publish() {} }}
    />
  );
}

async function renderPanel({
  from,
  to,
  theme,
  width,
  height,
}: {
  from: number;
  to: number;
  theme: 'dark' | 'light';
  width: number;
  height: number;
}) {
  // Like a failed Prometheus query: the panel gets no series.
  const history: any = await rxjs
    .lastValueFrom(
      backendFetch({ url: `api/plugin-proxy/${APP_ID}/runner/api/history?from=${from}&to=${to}&limit=500` })
    )
    .catch(() => ({ data: { items: [] } }));
  const frames = statusFrames(history.data.items);
  const { plugin } = await System.import(`/public/plugins/${APP_ID}/panels/statustimeline/module.js`);
  root.render(
    themed(
      theme,
      <div style={{ width, height }} data-testid="host-panel">
        {panelElement(plugin, frames, from, to, width, height)}
      </div>
    )
  );
  return frames.length;
}

/**
 * Synthetic status series for the benchmark: mostly pass, with fail and error runs and silences, deterministic.
 */
function syntheticFrames(lanes: number, points: number, stepMs: number, to: number) {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: lanes }, (_, lane) => {
    const times: number[] = [];
    const values: Array<number | null> = [];
    let state: number | null = 1;
    for (let i = 0; i < points; i++) {
      const r = random();
      if (r < 0.02) {
        state = 0;
      } else if (r < 0.03) {
        state = -1;
      } else if (r < 0.035) {
        state = null;
      } else if (r < 0.2) {
        state = 1;
      }
      times.push(to - (points - i) * stepMs);
      values.push(state);
    }
    return toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: times },
        { name: 'Value', type: FieldType.number, values, labels: { service: `service-${lane}` } },
      ],
    });
  });
}

/** Mounts the panel `iterations` times with fresh data objects and returns the wall time of each synchronous render. */
async function benchPanel({ lanes, points, iterations }: { lanes: number; points: number; iterations: number }) {
  const stepMs = 5 * 60_000;
  const to = Date.parse('2026-11-22T00:00:00Z');
  const from = to - points * stepMs;
  const { plugin } = await System.import(`/public/plugins/${APP_ID}/panels/statustimeline/module.js`);
  const theme = createTheme({ colors: { mode: 'dark' } });
  const times: number[] = [];
  let cells = 0;
  for (let i = 0; i < iterations; i++) {
    const frames = syntheticFrames(lanes, points, stepMs, to);
    const start = performance.now();
    flushSync(() =>
      root.render(
        <grafanaUI.ThemeContext.Provider value={theme}>
          {panelElement(plugin, frames, from, to, 1200, 400, i)}
        </grafanaUI.ThemeContext.Provider>
      )
    );
    times.push(performance.now() - start);
    cells = document.querySelectorAll('rect[data-state]').length;
  }
  return { times, cells, lanesRendered: document.querySelectorAll('[data-testid^="timeline-lane-"]').length };
}

(window as any).host = { renderApp, renderPanel, benchPanel, intercepted };
(window as any).hostReady = true;
