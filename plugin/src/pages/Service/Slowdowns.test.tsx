// "Slower than usual" on the pages, from a real runner that caught the local cloud's Glance slowed on purpose
// (test/fixtures/runner-api/regressions/, recorded by runner/test/integration/regressions.test.ts).
import React from 'react';
import { screen, within } from '@testing-library/react';

import type { ActionTrendsReport, Cycle, Health, HistoryPage } from '../../api/types';
import { queryOf } from '../../test/backend';
import { runnerFixture, RUNNER_FIXTURES_DIR } from '../../test/fixtures';
import { recorded, recordedAnswer, recordedRoutes } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { Overview } from '../Overview/Overview';
import { Service } from './Service';
import path from 'path';

const dir = path.join(RUNNER_FIXTURES_DIR, 'regressions');
const results = runnerFixture<Cycle>('results.json', dir);
const baselines = runnerFixture<ActionTrendsReport>('baselines-glance.json', dir);
const history = runnerFixture<HistoryPage>('history.json', dir);
const health = runnerFixture<Health>('health.json', dir);
const run = runnerFixture<Cycle>(`run-${results.id}.json`, dir);
const glance = results.services.find((s) => s.service === 'glance')!;
const times = history.items.flatMap((c) => [Date.parse(c.startedAt), Date.parse(c.finishedAt)]);
const span = { from: Math.min(...times) - 60_000, to: Math.max(...times) + 60_000 };

const routes = {
  'GET /health': { status: 200, data: health },
  'GET /api/results': { status: 200, data: results },
  'GET /api/history': { status: 200, data: history },
  'GET /api/baselines': { status: 200, data: baselines },
  [`GET /api/runs/${run.id}`]: { status: 200, data: run },
};

describe('a service whose actions regressed (recorded: Glance slowed by a relay)', () => {
  it('the recording holds regressed actions in every Glance workload', () => {
    const regressed = glance.workloads.flatMap((w) =>
      w.atomicActions.filter((a) => a.baseline?.verdict === 'regressed')
    );
    expect(regressed.length).toBeGreaterThanOrEqual(3);
  });

  it('badges the service and each workload "slower than usual", naming the actions and by how much', async () => {
    renderPage(<Service />, {
      route: `service/glance?from=${span.from}&to=${span.to}`,
      path: 'service/:service',
      backend: routes,
    });
    expect(await screen.findByTestId('service-slower')).toHaveTextContent('Slower than usual');
    const table = screen.getByRole('table', { name: 'Workloads' });
    for (const workload of glance.workloads) {
      const row = within(table).getByTestId(`workload-${workload.key}`);
      const badge = within(row).getByTestId(`slower-${workload.key}`);
      expect(badge).toHaveTextContent('Slower than usual');
      const action = workload.atomicActions.find((a) => a.baseline?.verdict === 'regressed')!;
      expect(
        within(row).getByText(
          new RegExp(`${action.name.replace('.', '\\.')}: p95 \\d+\\.\\d\\d s, usually \\d+\\.\\d\\d s`)
        )
      ).toBeInTheDocument();
    }
  });

  it("draws each action's p95 against its baseline band, with the latest verdict, from /api/baselines", async () => {
    const { backend } = renderPage(<Service />, {
      route: `service/glance?from=${span.from}&to=${span.to}`,
      path: 'service/:service',
      backend: routes,
    });
    const table = await screen.findByRole('table', { name: 'Atomic actions against their baseline' });
    for (const trend of baselines.actions) {
      const row = within(table).getByTestId(`baseline-${trend.workload} / ${trend.action}`);
      expect(row).toHaveTextContent('regressed');
      expect(row).toHaveTextContent(`${trend.latest!.medianSeconds!.toFixed(2)} s`);
      expect(row).toHaveTextContent(`${trend.latest!.thresholdSeconds!.toFixed(2)} s`);
      const chart = within(row).getByRole('img', {
        name: `${trend.workload} / ${trend.action} p95 against its baseline band`,
      });
      // One band segment per judged point, one dot per point; the slow points are marked.
      expect(chart.querySelectorAll('[data-band]').length).toBe(
        trend.points.filter((p) => p.baseline?.thresholdSeconds != null).length
      );
      expect(chart.querySelectorAll('circle[data-verdict="regressed"]').length).toBe(
        trend.points.filter((p) => p.baseline?.verdict === 'regressed').length
      );
    }
    const request = backend.requests.find((q) => q.url.includes('/api/baselines'))!;
    expect(queryOf(request).get('service')).toBe('glance');
  });

  it('badges the service on the Overview', async () => {
    renderPage(<Overview />, { route: `overview?from=${span.from}&to=${span.to}`, backend: routes });
    const row = await screen.findByTestId('service-row-glance');
    expect(within(row).getByText('Slower than usual')).toBeInTheDocument();
  });
});

describe('a service judged usual or not judged (the Keystone-only recording, made before slow-down detection)', () => {
  const r = recorded();
  const service = r.tested[0]!.service;

  it('shows no badge, and says the runner does not judge slow-downs when it has no /api/baselines', async () => {
    renderPage(<Service />, {
      route: `service/${service}?from=${r.span.from}&to=${r.span.to}`,
      path: 'service/:service',
      // An older runner answers its own 404 (code not_found) for a route it lacks: a real runner's 404 stands for it.
      backend: { ...recordedRoutes(r), 'GET /api/baselines': recordedAnswer('fresh-results.json') },
    });
    await screen.findByRole('table', { name: 'Workloads' });
    expect(screen.queryByText('Slower than usual')).not.toBeInTheDocument();
    expect(await screen.findByTestId('baselines-unavailable')).toHaveTextContent(/does not judge slow-downs/);
  });

  it('shows no badge on the Overview', async () => {
    renderPage(<Overview />, { route: `overview?from=${r.span.from}&to=${r.span.to}`, backend: recordedRoutes(r) });
    await screen.findByTestId(`service-row-${service}`);
    expect(screen.queryByText('Slower than usual')).not.toBeInTheDocument();
  });
});
