import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';

import { queryOf } from '../../test/backend';
import { recordedAnswer, recorded, recordedRoutes, unreachableRoutes } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { Runs } from './Runs';

const r = recorded();
const range = `from=${r.span.from}&to=${r.span.to}`;
const historyRequests = (requests: Array<{ url: string }>) => requests.filter((q) => q.url.includes('/api/history'));

describe('Runs', () => {
  it('lists the cycles, newest first, each linking to its detail', async () => {
    renderPage(<Runs />, { route: `runs?${range}`, path: 'runs', backend: recordedRoutes(r) });
    const table = await screen.findByRole('table', { name: 'Runs' });
    const rows = within(table).getAllByTestId(/^run-row-/);
    expect(rows.map((row) => row.getAttribute('data-testid'))).toEqual(r.history.items.map((c) => `run-row-${c.id}`));
    for (const cycle of r.history.items) {
      expect(within(table).getByRole('link', { name: cycle.id })).toHaveAttribute(
        'href',
        `/a/rallymonitor-openstack-app/runs/${cycle.id}`
      );
    }
    expect(screen.getByText(`${r.history.items.length} of ${r.history.total} cycles`)).toBeInTheDocument();
  });

  it('asks the runner for the service, state and time range of the URL (a timeline click lands here)', async () => {
    const { backend } = renderPage(<Runs />, {
      route: `runs?service=keystone&state=fail&${range}`,
      path: 'runs',
      backend: recordedRoutes(r),
    });
    await screen.findByRole('table', { name: 'Runs' });
    const query = queryOf(historyRequests(backend.requests)[0]!);
    expect(Object.fromEntries(query)).toEqual({
      service: 'keystone',
      state: 'fail',
      from: String(r.span.from),
      to: String(r.span.to),
      limit: '50',
    });
  });

  it('ignores filter values the runner does not know', async () => {
    const { backend } = renderPage(<Runs />, {
      route: `runs?service=octavia&state=green&${range}`,
      path: 'runs',
      backend: recordedRoutes(r),
    });
    await screen.findByRole('table', { name: 'Runs' });
    const query = queryOf(historyRequests(backend.requests)[0]!);
    expect(query.has('service')).toBe(false);
    expect(query.has('state')).toBe(false);
  });

  it('filters by service when one is picked', async () => {
    const { backend, user } = renderPage(<Runs />, {
      route: `runs?${range}`,
      path: 'runs',
      backend: recordedRoutes(r),
    });
    await screen.findByRole('table', { name: 'Runs' });
    await user.click(screen.getByLabelText('Service'));
    await user.click(await screen.findByText('glance'));
    await waitFor(() => expect(queryOf(historyRequests(backend.requests).at(-1)!).get('service')).toBe('glance'));
  });

  it('filters by state when one is picked', async () => {
    const { backend, user } = renderPage(<Runs />, {
      route: `runs?${range}`,
      path: 'runs',
      backend: recordedRoutes(r),
    });
    await screen.findByRole('table', { name: 'Runs' });
    await user.click(screen.getByLabelText('State'));
    await user.click(await screen.findByText('timeout'));
    await waitFor(() => expect(queryOf(historyRequests(backend.requests).at(-1)!).get('state')).toBe('timeout'));
  });

  it("moves the time range with the picker's buttons", async () => {
    const { backend, user } = renderPage(<Runs />, {
      route: `runs?${range}`,
      path: 'runs',
      backend: recordedRoutes(r),
    });
    await screen.findByRole('table', { name: 'Runs' });
    await user.click(screen.getByRole('button', { name: 'Move time range backwards' }));
    const half = Math.round((r.span.to - r.span.from) / 2);
    await waitFor(() => {
      const query = queryOf(historyRequests(backend.requests).at(-1)!);
      expect([query.get('from'), query.get('to')]).toEqual([String(r.span.from - half), String(r.span.to - half)]);
    });
  });

  it('says so when no cycle matches', async () => {
    renderPage(<Runs />, {
      route: `runs?${range}`,
      path: 'runs',
      backend: { 'GET /api/history': recordedAnswer('fresh-history.json') },
    });
    expect(await screen.findByText('No cycles match these filters in this time range.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says the runner is unreachable and how to fix it', async () => {
    renderPage(<Runs />, { route: `runs?${range}`, path: 'runs', backend: unreachableRoutes() });
    expect(await screen.findByText('Runner unreachable')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Retry/ })).toBeInTheDocument();
  });
});
