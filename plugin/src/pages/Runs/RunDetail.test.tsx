import React from 'react';
import { screen, within } from '@testing-library/react';
import { config } from '@grafana/runtime';

import { recorded, recordedRoutes, unreachableRoutes } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { RunDetail } from './RunDetail';

const r = recorded();

describe('RunDetail', () => {
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

  it('keeps Grafana\'s sub-path in artifact links', async () => {
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
    const { backend } = renderPage(<RunDetail />, { route: 'runs/..%2Fetc', path: 'runs/:id', backend: recordedRoutes(r) });
    expect(screen.getByText('Malformed run id')).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });

  it('says the runner is unreachable and how to fix it', async () => {
    renderPage(<RunDetail />, { route: `runs/${r.run.id}`, path: 'runs/:id', backend: unreachableRoutes() });
    expect(await screen.findByText('Runner unreachable')).toBeInTheDocument();
  });
});
