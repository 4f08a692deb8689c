import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { OrgRole } from '@grafana/data';

import { queryOf } from '../../test/backend';
import {
  dataplaneRoutes,
  RECORDINGS,
  recordedAnswer,
  recorded,
  recordedDataplane,
  recordedRoutes,
  unreachableRoutes,
} from '../../test/recorded';
import { locationPushSpy, renderPage, TEST_CYCLE_POLL_MS } from '../../test/render';
import { Overview } from './Overview';

const r = recorded();
const route = `overview?from=${r.span.from}&to=${r.span.to}`;

describe.each(RECORDINGS)('Overview of a recorded run (%s)', (_label, recording) => {
  const r = recorded(recording);
  const route = `overview?from=${r.span.from}&to=${r.span.to}`;

  it('lists each tested service with its state, uptime and last run, and marks the absent ones', async () => {
    renderPage(<Overview />, { route, backend: recordedRoutes(r) });
    for (const service of r.tested) {
      const row = await screen.findByTestId(`service-row-${service.service}`);
      expect(within(row).getByRole('link', { name: service.service })).toHaveAttribute(
        'href',
        `/a/rallymonitor-openstack-app/service/${service.service}`
      );
      expect(row).toHaveTextContent({ pass: 'Pass', fail: 'Fail', error: 'Error' }[service.state as 'pass']);
      await waitFor(() => expect(row).toHaveTextContent(/\d+\.\d\d%/));
    }
    for (const service of r.absent) {
      expect(screen.queryByTestId(`service-row-${service.service}`)).not.toBeInTheDocument();
      expect(screen.getByTestId('absent-services')).toHaveTextContent(service.service);
    }
    expect(screen.getByRole('link', { name: r.results.id })).toHaveAttribute(
      'href',
      `/a/rallymonitor-openstack-app/runs/${r.results.id}`
    );
  });

  it('draws a timeline lane per tested service from the history of the chosen range', async () => {
    const { backend } = renderPage(<Overview />, { route, backend: recordedRoutes(r) });
    for (const service of r.tested) {
      const lane = await screen.findByTestId(`timeline-lane-${service.service}`);
      const states = Array.from(lane.querySelectorAll('rect[data-state]')).map((c) => c.getAttribute('data-state'));
      expect(states).toContain(service.state);
    }
    const historyRequest = backend.requests.find((q) => q.url.includes('/api/history'))!;
    expect(queryOf(historyRequest).get('from')).toBe(String(r.span.from));
    expect(queryOf(historyRequest).get('to')).toBe(String(r.span.to));
  });
});

describe('Overview', () => {
  it("opens the service's runs when a timeline cell is clicked", async () => {
    const push = locationPushSpy();
    renderPage(<Overview />, { route, backend: recordedRoutes(r) });
    const service = r.tested[0]!.service;
    const lane = await screen.findByTestId(`timeline-lane-${service}`);
    const cell = lane.querySelector(`rect[data-state="${r.tested[0]!.state}"]`)!;
    fireEvent.click(cell);
    expect(push).toHaveBeenCalledWith(
      expect.stringMatching(new RegExp(`^/a/rallymonitor-openstack-app/runs\\?service=${service}&from=\\d+&to=\\d+$`))
    );
  });

  it('offers "Run now" to Admins only', async () => {
    const { unmount } = renderPage(<Overview />, { route, role: OrgRole.Viewer, backend: recordedRoutes(r) });
    await screen.findByTestId(`service-row-${r.tested[0]!.service}`);
    expect(screen.queryByRole('button', { name: 'Run now' })).not.toBeInTheDocument();
    unmount();

    renderPage(<Overview />, { route, role: OrgRole.Editor, backend: recordedRoutes(r) });
    await screen.findByTestId(`service-row-${r.tested[0]!.service}`);
    expect(screen.queryByRole('button', { name: 'Run now' })).not.toBeInTheDocument();
  });

  it('sends "Run now" through the Admin-only proxy route and says why when it is refused', async () => {
    const { user, backend } = renderPage(<Overview />, {
      route,
      role: OrgRole.Admin,
      backend: {
        ...recordedRoutes(r),
        // Clicked before the runner's health arrived: nothing says a cycle is running.
        'GET /health': { status: 'pending' },
        'POST /api/runs': { status: 403, data: { message: 'plugin proxy route access denied' } },
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    expect(await screen.findByText('Your Grafana user may not do this.')).toBeInTheDocument();
    const post = backend.requests.find((q) => q.method === 'POST')!;
    expect(post.url).toBe('api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs');
  });

  it("follows the runner's health: Run now is disabled while a cycle runs", async () => {
    renderPage(<Overview />, { route, role: OrgRole.Admin, backend: recordedRoutes(r) });
    const button = await screen.findByRole('button', { name: r.health.running ? 'Cycle running…' : 'Run now' });
    await waitFor(() => expect(button).toHaveTextContent(r.health.running ? 'Cycle running…' : 'Run now'));
    expect(button.hasAttribute('disabled')).toBe(r.health.running);
  });

  it('starts a cycle with "Run now" and links to it', async () => {
    const started = recordedAnswer('run-started.json');
    const { user, backend } = renderPage(<Overview />, {
      route,
      role: OrgRole.Admin,
      backend: { ...recordedRoutes(r), 'GET /health': { status: 'pending' }, 'POST /api/runs': started },
    });
    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    const id = (started.data as { id: string }).id;
    const notice = await screen.findByTestId('run-started');
    expect(notice).toHaveTextContent(`Cycle ${id} is running.`);
    expect(within(notice).getByRole('link', { name: id })).toHaveAttribute(
      'href',
      `/a/rallymonitor-openstack-app/runs/${id}`
    );
    expect(backend.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
  });

  it('follows a cycle started with "Run now" until it ends, then shows its results without a refresh', async () => {
    // A fresh runner; "Run now" accepted; the health while that cycle runs; then the runner after a cycle over every
    // service. All recorded from the real runner (runner-states/, runner-api/ and runner-api/seven-services/).
    const after = recorded('seven-services');
    const busy = recorded('.').health;
    expect(busy.running).toBe(true);
    const started = recordedAnswer('run-started.json');
    let phase: 'fresh' | 'started' | 'running' | 'done' = 'fresh';
    let readsWhileRunning = 0;
    const { user, backend } = renderPage(<Overview />, {
      route: `overview?from=${after.span.from}&to=${after.span.to}`,
      role: OrgRole.Admin,
      backend: {
        'GET /health': () => {
          if (phase === 'started' || phase === 'running') {
            phase = 'running';
            readsWhileRunning++;
            return { status: 200, data: busy };
          }
          return phase === 'done' ? { status: 200, data: after.health } : recordedAnswer('fresh-health.json');
        },
        'GET /api/results': () =>
          phase === 'done' ? { status: 200, data: after.results } : recordedAnswer('fresh-results.json'),
        'GET /api/history': () =>
          phase === 'done' ? { status: 200, data: after.history } : recordedAnswer('fresh-history.json'),
        'POST /api/runs': () => {
          phase = 'started';
          return started;
        },
      },
    });
    expect(await screen.findByText('No cycle yet')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    // Progress: the health read again at once says a cycle runs, and it is read again while it does.
    expect(await screen.findByRole('button', { name: 'Cycle running…' })).toBeDisabled();
    await waitFor(() => expect(readsWhileRunning).toBeGreaterThanOrEqual(3));
    expect(screen.getByTestId('run-started')).toHaveTextContent('is running.');
    // The cycle ends.
    phase = 'done';
    // Polled until the cycle ends; then the latest cycle and the history are read again, with no click.
    for (const service of after.tested) {
      expect(await screen.findByTestId(`service-row-${service.service}`)).toBeInTheDocument();
      await screen.findByTestId(`timeline-lane-${service.service}`);
    }
    expect(await screen.findByTestId('run-started')).toHaveTextContent('has finished');
    expect(screen.getByRole('button', { name: 'Run now' })).toBeEnabled();
    expect(screen.queryByText('No cycle yet')).not.toBeInTheDocument();
    // Polling stops with the cycle.
    const healthReads = backend.requests.filter((q) => q.url.endsWith('/health')).length;
    await new Promise((resolve) => setTimeout(resolve, 10 * TEST_CYCLE_POLL_MS));
    expect(backend.requests.filter((q) => q.url.endsWith('/health')).length).toBe(healthReads);
  });

  it('says a cycle is already running when the runner refuses a second one', async () => {
    const conflict = recordedAnswer('run-conflict.json');
    const { user } = renderPage(<Overview />, {
      route,
      role: OrgRole.Admin,
      backend: { ...recordedRoutes(r), 'GET /health': { status: 'pending' }, 'POST /api/runs': conflict },
    });
    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    expect(await screen.findByText('Runner busy')).toBeInTheDocument();
    expect(screen.getByText((conflict.data as { error: string }).error)).toBeInTheDocument();
  });

  it('says the token is wrong when the runner rejects "Run now"', async () => {
    const { user } = renderPage(<Overview />, {
      route,
      role: OrgRole.Admin,
      backend: {
        ...recordedRoutes(r),
        'GET /health': { status: 'pending' },
        'POST /api/runs': recordedAnswer('run-unauthorized.json'),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    expect(await screen.findByText('Runner token rejected')).toBeInTheDocument();
    expect(screen.getByText(/set the Runner token to the runner's RALLY_MONITOR_API_TOKEN/)).toBeInTheDocument();
  });

  it('says no cycle has completed yet on a fresh runner', async () => {
    renderPage(<Overview />, {
      route,
      backend: {
        'GET /health': recordedAnswer('fresh-health.json'),
        'GET /api/results': recordedAnswer('fresh-results.json'),
        'GET /api/history': recordedAnswer('fresh-history.json'),
      },
    });
    expect(await screen.findByText('No cycle yet')).toBeInTheDocument();
    expect(screen.queryByText(/Runner/)).not.toBeInTheDocument();
  });

  it('says the runner is unreachable and how to fix it', async () => {
    renderPage(<Overview />, { route, backend: unreachableRoutes() });
    expect(await screen.findByText('Runner unreachable')).toBeInTheDocument();
    expect(screen.getByText(/check the Runner URL, that the runner is running/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says the proxy route is missing when the app is not configured', async () => {
    renderPage(<Overview />, { route, backend: {} });
    expect(await screen.findByText('Runner not configured')).toBeInTheDocument();
    expect(screen.getByText(/set the Runner URL, save/)).toBeInTheDocument();
  });

  it('reads everything again on Refresh, with a new "now" for a relative range', async () => {
    const { user, backend } = renderPage(<Overview />, { route: 'overview', backend: recordedRoutes(r) });
    await screen.findByTestId(`service-row-${r.tested[0]!.service}`);
    const historyTo = () =>
      backend.requests.filter((q) => q.url.includes('/api/history')).map((q) => Number(queryOf(q).get('to')));
    expect(historyTo()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(historyTo()).toHaveLength(2));
    expect(historyTo()[1]!).toBeGreaterThan(historyTo()[0]!);
    expect(backend.requests.filter((q) => q.url.endsWith('/api/results'))).toHaveLength(2);
  });

  it('shows a loading state until the runner answers', async () => {
    renderPage(<Overview />, { route, backend: recordedRoutes(r) });
    expect(screen.getByText('Loading the latest cycle…')).toBeInTheDocument();
    await screen.findByTestId(`service-row-${r.tested[0]!.service}`);
    expect(screen.queryByText('Loading the latest cycle…')).not.toBeInTheDocument();
  });
});

describe("Overview's dataplane lane, next to the services", () => {
  const withDataplane = (name: 'mesh.json' | 'empty.json') => ({
    ...recordedRoutes(r),
    ...dataplaneRoutes(recordedDataplane(name)),
  });

  it("shows the mesh's state from the recorded canaries, linking to the Dataplane page", async () => {
    renderPage(<Overview />, { route, backend: withDataplane('mesh.json') });
    const lane = await screen.findByTestId('dataplane-lane');
    await waitFor(() => expect(lane).toHaveTextContent('Down'));
    expect(lane).toHaveTextContent('2 of 7 pairs unreachable');
    expect(within(lane).getByRole('link', { name: 'Dataplane' })).toHaveAttribute(
      'href',
      '/a/rallymonitor-openstack-app/dataplane'
    );
    // The services are all still there.
    expect(await screen.findByTestId(`service-row-${r.tested[0]!.service}`)).toBeInTheDocument();
  });

  it('says "No canaries" when Prometheus has none', async () => {
    renderPage(<Overview />, { route, backend: withDataplane('empty.json') });
    const lane = await screen.findByTestId('dataplane-lane');
    await waitFor(() => expect(lane).toHaveTextContent('No canaries'));
  });

  it('says why when the Prometheus data source cannot be queried, without hiding the services', async () => {
    renderPage(<Overview />, { route, backend: recordedRoutes(r) });
    const lane = await screen.findByTestId('dataplane-lane');
    await waitFor(() => expect(lane).toHaveTextContent(/no data source with uid "rally-prometheus"/));
    expect(screen.getByTestId(`service-row-${r.tested[0]!.service}`)).toBeInTheDocument();
  });
});
