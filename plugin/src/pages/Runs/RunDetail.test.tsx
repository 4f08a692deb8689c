import React from 'react';
import { screen, within } from '@testing-library/react';
import { config } from '@grafana/runtime';

import type { Cycle } from '../../api/types';
import { runnerFixture } from '../../test/fixtures';
import { RECORDINGS, recorded, recordedRoutes, unreachableRoutes } from '../../test/recorded';
import { renderPage, testQueryClient } from '../../test/render';
import { Service } from '../Service/Service';
import { RunDetail } from './RunDetail';

const r = recorded();

describe.each(RECORDINGS)('RunDetail of a recorded run (%s)', (_label, recording) => {
  const r = recorded(recording);

  it("shows every service of the run, each tested one with its workloads and Rally's reports", async () => {
    renderPage(<RunDetail />, { route: `runs/${r.run.id}`, path: 'runs/:id', backend: recordedRoutes(r) });
    for (const service of r.run.services) {
      const section = await screen.findByTestId(`run-service-${service.service}`);
      if (service.state === 'absent') {
        expect(within(section).queryByRole('table')).not.toBeInTheDocument();
        if (service.reason) {
          expect(section).toHaveTextContent(service.reason);
        }
        continue;
      }
      const table = within(section).getByRole('table', { name: 'Workloads' });
      for (const workload of service.workloads) {
        expect(within(table).getByTestId(`workload-${workload.key}`)).toBeInTheDocument();
      }
      if (service.artifacts.html) {
        expect(within(section).getByRole('link', { name: 'Rally HTML report' })).toHaveAttribute(
          'href',
          `/api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs/${r.run.id}/report.html?service=${service.service}`
        );
      }
      if (service.artifacts.junit) {
        expect(within(section).getByRole('link', { name: 'JUnit XML' })).toHaveAttribute(
          'href',
          `/api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs/${r.run.id}/junit.xml?service=${service.service}`
        );
      }
    }
  });

  it('lists the workloads each service left out, with the reason', async () => {
    renderPage(<RunDetail />, { route: `runs/${r.run.id}`, path: 'runs/:id', backend: recordedRoutes(r) });
    for (const service of r.run.services) {
      const section = await screen.findByTestId(`run-service-${service.service}`);
      const skipped = within(section).queryByLabelText('Skipped workloads');
      expect(skipped?.textContent ?? '').toBe(
        service.skipped?.length
          ? `Not run this cycle${service.skipped.map((w) => `${w.scenario}: ${w.reason}`).join('')}`
          : ''
      );
    }
  });
});

describe('RunDetail of a failed run (recorded: Glance stopped mid-cycle)', () => {
  const failed = runnerFixture<Cycle>('results-glance-stopped.json');

  it("shows the failing workload's iteration errors and the failed atomic action", async () => {
    const glance = failed.services.find((s) => s.service === 'glance')!;
    expect(glance.state).toBe('fail');
    renderPage(<RunDetail />, {
      route: `runs/${failed.id}`,
      path: 'runs/:id',
      backend: { [`GET /api/runs/${failed.id}`]: { status: 200, data: failed } },
    });
    const section = await screen.findByTestId(`run-service-glance`);
    expect(section).toHaveTextContent(glance.reason!);
    const failing = glance.workloads.filter((w) => w.errors.length > 0);
    expect(failing.length).toBeGreaterThan(0);
    for (const workload of failing) {
      const failures = within(section).getByTestId(`failures-${workload.key}`);
      for (const error of workload.errors) {
        expect(failures).toHaveTextContent(`${error.type}: ${error.message}`);
      }
      expect(within(within(section).getByTestId(`workload-${workload.key}`)).getByText('Fail')).toBeInTheDocument();
    }
    const placement = await screen.findByTestId('run-service-placement');
    expect(within(placement).queryByTestId(/^failures-/)).not.toBeInTheDocument();
  });
});

describe('RunDetail', () => {
  it("says when Rally's log of a task could not be written whole (the runner's logProblem)", async () => {
    // The recorded run, with the note the runner adds when Rally's log hit a write error (runner/src/cycle.ts).
    const tested = r.run.services.find((s) => s.state !== 'absent')!;
    const problem = "Rally's log could not be written completely: ENOSPC: no space left on device, write";
    const run: Cycle = {
      ...r.run,
      services: r.run.services.map((s) => (s === tested ? { ...s, logProblem: problem } : s)),
    };
    const backend = { ...recordedRoutes(r), [`GET /api/runs/${r.run.id}`]: { status: 200, data: run } };
    renderPage(<RunDetail />, { route: `runs/${r.run.id}`, path: 'runs/:id', backend });
    const section = await screen.findByTestId(`run-service-${tested.service}`);
    expect(within(section).getByText("Rally's log of this task is incomplete")).toBeInTheDocument();
    expect(within(section).getByText(problem)).toBeInTheDocument();
    for (const other of r.run.services.filter((s) => s !== tested)) {
      expect(
        within(screen.getByTestId(`run-service-${other.service}`)).queryByText(/log of this task is incomplete/)
      ).toBeNull();
    }
  });

  it("keeps Grafana's sub-path in artifact links", async () => {
    const tested = r.run.services.find((s) => s.state !== 'absent' && s.artifacts.html)!;
    config.appSubUrl = '/grafana';
    try {
      renderPage(<RunDetail />, { route: `runs/${r.run.id}`, path: 'runs/:id', backend: recordedRoutes(r) });
      const section = await screen.findByTestId(`run-service-${tested.service}`);
      expect(within(section).getByRole('link', { name: 'Rally HTML report' }).getAttribute('href')).toMatch(
        /^\/grafana\/api\/plugin-proxy\/rallymonitor-openstack-app\/runner\//
      );
    } finally {
      config.appSubUrl = '';
    }
  });

  it('rejects a malformed id without calling the runner', () => {
    const { backend } = renderPage(<RunDetail />, {
      route: 'runs/..%2Fetc',
      path: 'runs/:id',
      backend: recordedRoutes(r),
    });
    expect(screen.getByText('Malformed run id')).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });

  it('says the runner is unreachable and how to fix it', async () => {
    renderPage(<RunDetail />, { route: `runs/${r.run.id}`, path: 'runs/:id', backend: unreachableRoutes() });
    expect(await screen.findByText('Runner unreachable')).toBeInTheDocument();
  });
});

describe('RunDetail and the run cache', () => {
  it('reads a run once: the Service page already loaded it for its latency chart', async () => {
    const queryClient = testQueryClient();
    const service = r.tested[0]!.service;
    const first = renderPage(<Service />, {
      route: `service/${service}?from=${r.span.from}&to=${r.span.to}`,
      path: 'service/:service',
      backend: recordedRoutes(r),
      queryClient,
    });
    await screen.findByRole('table', { name: 'Atomic action latency' });
    const runReads = (requests: Array<{ url: string }>) =>
      requests.filter((q) => q.url.endsWith(`/api/runs/${r.run.id}`)).length;
    expect(runReads(first.backend.requests)).toBe(1);
    first.unmount();

    const second = renderPage(<RunDetail />, {
      route: `runs/${r.run.id}`,
      path: 'runs/:id',
      backend: recordedRoutes(r),
      queryClient,
    });
    expect(await screen.findByTestId(`run-service-${service}`)).toBeInTheDocument();
    expect(runReads(second.backend.requests)).toBe(0);
  });
});
