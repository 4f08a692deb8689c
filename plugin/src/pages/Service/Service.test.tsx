import React from 'react';
import { screen, within } from '@testing-library/react';

import type { Cycle, MaintenanceWindow } from '../../api/types';
import { queryOf } from '../../test/backend';
import { runnerFixture } from '../../test/fixtures';
import { RECORDINGS, recordedAnswer, recorded, recordedRoutes, unreachableRoutes } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { Service } from './Service';

const r = recorded();
const tested = r.tested[0]!;
const pathFor = (service: string, recording = r) =>
  `service/${service}?from=${recording.span.from}&to=${recording.span.to}`;

// Every tested service of each recorded run, as the runner served it.
describe.each(RECORDINGS)('Service page of a recorded run (%s)', (_label, recording) => {
  const r = recorded(recording);
  describe.each(r.tested.map((service) => [service.service, service] as const))('%s', (_service, tested) => {
    it('lists the scenarios of the last cycle with their state and SLA verdicts', async () => {
      renderPage(<Service />, {
        route: pathFor(tested.service, r),
        path: 'service/:service',
        backend: recordedRoutes(r),
      });
      const table = await screen.findByRole('table', { name: 'Workloads' });
      for (const workload of tested.workloads) {
        const row = within(table).getByTestId(`workload-${workload.key}`);
        expect(row).toHaveTextContent(workload.key);
        for (const criterion of workload.sla) {
          expect(
            within(row).getByLabelText(`SLA ${criterion.criterion} ${criterion.success ? 'passed' : 'failed'}`)
          ).toHaveTextContent(criterion.detail.replace(/\s+/g, ' ').trim());
        }
      }
    });

    it("links to the run's Rally report, JUnit file and log through the proxy", async () => {
      renderPage(<Service />, {
        route: pathFor(tested.service, r),
        path: 'service/:service',
        backend: recordedRoutes(r),
      });
      const base = `/api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs/${r.results.id}`;
      expect(await screen.findByRole('link', { name: 'Rally HTML report' })).toHaveAttribute(
        'href',
        `${base}/report.html?service=${tested.service}`
      );
      expect(screen.getByRole('link', { name: 'JUnit XML' })).toHaveAttribute(
        'href',
        `${base}/junit.xml?service=${tested.service}`
      );
      expect(screen.getByRole('link', { name: 'Rally log' })).toHaveAttribute(
        'href',
        `${base}/rally.log?service=${tested.service}`
      );
    });

    it("shows each atomic action's p50 and p95 from the service's runs in the range", async () => {
      const { backend } = renderPage(<Service />, {
        route: pathFor(tested.service, r),
        path: 'service/:service',
        backend: recordedRoutes(r),
      });
      const table = await screen.findByRole('table', { name: 'Atomic action latency' });
      const run = r.run.services.find((s) => s.service === tested.service)!;
      for (const workload of run.workloads) {
        for (const action of workload.atomicActions.filter((a) => a.durationSeconds)) {
          const row = within(table).getByTestId(`latency-${workload.key} / ${action.name}`);
          expect(row).toHaveTextContent(`${action.durationSeconds!.p50.toFixed(2)} s`);
          expect(row).toHaveTextContent(`${action.durationSeconds!.p95.toFixed(2)} s`);
        }
      }
      const historyRequest = backend.requests.find((q) => q.url.includes('/api/history'))!;
      expect(queryOf(historyRequest).get('service')).toBe(tested.service);
    });

    it('lists exactly the failing workloads of the last cycle, or says there are none', async () => {
      renderPage(<Service />, {
        route: pathFor(tested.service, r),
        path: 'service/:service',
        backend: recordedRoutes(r),
      });
      await screen.findByRole('table', { name: 'Workloads' });
      const failing = tested.workloads
        .filter((w) => w.state !== 'pass' || w.errors.length > 0)
        .map((w) => `failures-${w.key}`);
      expect(screen.queryAllByTestId(/^failures-/).map((e) => e.getAttribute('data-testid'))).toEqual(failing);
      expect(screen.queryByText('No failures.') !== null).toBe(failing.length === 0);
    });
  });
});

describe('Service with workloads left out of the cycle', () => {
  it('lists each with the reason, recorded where the local cloud has no external network', async () => {
    const r = recorded('seven-services');
    const withSkipped = r.tested.filter((s) => s.skipped && s.skipped.length > 0);
    expect(withSkipped.map((s) => s.service)).toEqual(['nova']);
    const nova = withSkipped[0]!;
    renderPage(<Service />, { route: pathFor('nova', r), path: 'service/:service', backend: recordedRoutes(r) });
    const list = await screen.findByLabelText('Skipped workloads');
    for (const skipped of nova.skipped!) {
      expect(within(list).getByTestId(`skipped-${skipped.scenario}`)).toHaveTextContent(
        `${skipped.scenario}: ${skipped.reason}`
      );
    }
    expect(
      within(screen.getByRole('table', { name: 'Workloads' })).queryByText(nova.skipped![0]!.scenario)
    ).not.toBeInTheDocument();
  });

  it('shows no such list for a service that ran everything', async () => {
    const r = recorded('seven-services');
    renderPage(<Service />, { route: pathFor('glance', r), path: 'service/:service', backend: recordedRoutes(r) });
    await screen.findByRole('table', { name: 'Workloads' });
    expect(screen.queryByLabelText('Skipped workloads')).not.toBeInTheDocument();
  });
});

describe('Service', () => {
  it('shows why a service failed, with the failing workloads and their errors', async () => {
    const down = runnerFixture<Cycle>('results-keystone-down.json');
    const keystone = down.services.find((s) => s.service === 'keystone')!;
    expect(keystone.state).not.toBe('pass');
    renderPage(<Service />, {
      route: pathFor('keystone'),
      path: 'service/:service',
      backend: { ...recordedRoutes(r), 'GET /api/results': { status: 200, data: down } },
    });
    expect(
      await screen.findByText({ fail: 'Fail', error: 'Error' }[keystone.state as 'fail'], { selector: 'span, div' })
    ).toBeInTheDocument();
    if (keystone.reason) {
      expect(screen.getAllByText(keystone.reason).length).toBeGreaterThan(0);
    }
    for (const w of keystone.workloads.filter((w) => w.state !== 'pass' || w.errors.length > 0)) {
      const failures = screen.getByTestId(`failures-${w.key}`);
      for (const e of w.errors) {
        expect(failures).toHaveTextContent(e.message);
      }
    }
  });

  it('says when a service was not tested, with the reason', async () => {
    const absent = r.absent[0]!;
    expect(absent).toBeDefined();
    renderPage(<Service />, { route: pathFor(absent.service), path: 'service/:service', backend: recordedRoutes(r) });
    expect(await screen.findByText('Not tested')).toBeInTheDocument();
    expect(screen.getByText(new RegExp(absent.reason ?? 'absent'))).toBeInTheDocument();
  });

  it('says no cycle has completed yet on a fresh runner, and that there are no timings', async () => {
    renderPage(<Service />, {
      route: pathFor(tested.service),
      path: 'service/:service',
      backend: {
        'GET /api/results': recordedAnswer('fresh-results.json'),
        'GET /api/history': recordedAnswer('fresh-history.json'),
      },
    });
    expect(await screen.findByText('No cycle yet')).toBeInTheDocument();
    expect(await screen.findByText('No atomic action timings in this time range.')).toBeInTheDocument();
  });

  it("says so when a link asks for another cloud or region than the runner's, and leads to that one's dashboard", async () => {
    const route = `service/${tested.service}?cloud=other-cloud&region=${r.results.region}&from=${r.span.from}&to=${r.span.to}`;
    renderPage(<Service />, { route, path: 'service/:service', backend: recordedRoutes(r) });
    const alert = await screen.findByTestId('other-runner');
    expect(alert).toHaveTextContent(`${tested.service} in cloud other-cloud, region ${r.results.region}`);
    expect(alert).toHaveTextContent(`cloud ${r.results.cloud}, region ${r.results.region}`);
    expect(within(alert).getByRole('link', { name: /Service dashboard/ })).toHaveAttribute(
      'href',
      `/d/rally-service/rally-monitor-service?var-cloud=other-cloud&var-region=${r.results.region}&var-service=${tested.service}&from=${r.span.from}&to=${r.span.to}`
    );
    // This runner's results are not shown as if they were that cloud's.
    expect(screen.queryByRole('table', { name: 'Workloads' })).not.toBeInTheDocument();
  });

  it("shows the service as usual when the link's cloud and region are the runner's", async () => {
    const route = `service/${tested.service}?cloud=${r.results.cloud}&region=${r.results.region}&from=${r.span.from}&to=${r.span.to}`;
    renderPage(<Service />, { route, path: 'service/:service', backend: recordedRoutes(r) });
    expect(await screen.findByRole('table', { name: 'Workloads' })).toBeInTheDocument();
    expect(screen.queryByTestId('other-runner')).not.toBeInTheDocument();
  });

  it('rejects an unknown service without calling the runner', () => {
    const { backend } = renderPage(<Service />, {
      route: 'service/octavia',
      path: 'service/:service',
      backend: recordedRoutes(r),
    });
    expect(screen.getByText('Unknown service')).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });

  it('says the runner is unreachable and how to fix it', async () => {
    renderPage(<Service />, { route: pathFor(tested.service), path: 'service/:service', backend: unreachableRoutes() });
    expect((await screen.findAllByText('Runner unreachable')).length).toBeGreaterThan(0);
    expect(screen.getAllByText(/check the Runner URL/).length).toBeGreaterThan(0);
  });
});

describe('Service page in maintenance', () => {
  // Recorded from a real runner (runner/test/integration/maintenance.test.ts): a Keystone cycle during a window on
  // Keystone, and the window as GET /api/maintenance listed it while it was active.
  const cycle = runnerFixture<Cycle>('maintenance/cycle.json');
  const windows = runnerFixture<{ windows: MaintenanceWindow[] }>('maintenance/windows.json');
  const window = windows.windows[0]!;

  it('says "in maintenance until ... (reason)" while a window covers the service', async () => {
    renderPage(<Service />, {
      route: pathFor('keystone'),
      path: 'service/:service',
      backend: {
        ...recordedRoutes(r),
        'GET /api/results': { status: 200, data: cycle },
        'GET /api/maintenance': { status: 200, data: windows },
      },
    });
    const banner = await screen.findByTestId('maintenance-banner');
    expect(banner).toHaveTextContent(`In maintenance until`);
    expect(banner).toHaveTextContent(`(${window.reason})`);
  });

  it("shows a result taken in a window as maintenance, with the window's reason and Rally's verdict underneath", async () => {
    renderPage(<Service />, {
      route: pathFor('keystone'),
      path: 'service/:service',
      backend: {
        ...recordedRoutes(r),
        'GET /api/results': { status: 200, data: cycle },
        'GET /api/maintenance': { status: 200, data: { windows: [] } },
      },
    });
    const keystone = cycle.services.find((s) => s.service === 'keystone')!;
    expect(keystone.state).toBe('maintenance');
    const note = await screen.findByTestId('maintenance-result');
    expect(note).toHaveTextContent(`${window.reason}; Rally said ${keystone.underlying}`);
    expect(screen.queryByTestId('maintenance-banner')).not.toBeInTheDocument();
    // Rally's evidence stays: the workloads of the task run in the window.
    expect(await screen.findByRole('table', { name: 'Workloads' })).toBeInTheDocument();
  });
});
