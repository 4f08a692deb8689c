import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import { OrgRole } from '@grafana/data';

import type { MaintenanceWindow } from '../../api/types';
import { renderPage } from '../../test/render';
import { Maintenance } from './Maintenance';

const HOUR = 3600_000;
const now = Date.now();

// Windows as GET /api/maintenance answers them (docs/api.md MaintenanceWindow; the runner's own type).
const active: MaintenanceWindow = {
  id: 'mw-0123456789ab',
  services: ['nova', 'placement'],
  start: new Date(now - HOUR).toISOString(),
  end: new Date(now + HOUR).toISOString(),
  reason: 'Nova upgrade to 2025.2',
  source: 'api',
  createdAt: new Date(now - HOUR).toISOString(),
  cancelledAt: null,
  state: 'active',
  silence: { id: '5b0ec7f1-2f34-4fb5-9d8e-0c5d0a3f4c11', state: 'active' },
};
const failedSilence: MaintenanceWindow = {
  ...active,
  id: 'mw-ba9876543210',
  services: ['glance'],
  start: new Date(now + 2 * HOUR).toISOString(),
  end: new Date(now + 3 * HOUR).toISOString(),
  reason: 'Glance store migration',
  state: 'upcoming',
  silence: { id: null, state: 'failed', error: 'Alertmanager at http://am:9093 could not be reached: ECONNREFUSED' },
};

const listed = { 'GET /api/maintenance': { status: 200, data: { windows: [active, failedSilence] } } };

describe('Maintenance page', () => {
  it('lists the windows with their services, times, reason and silence, and says when a silence failed', async () => {
    renderPage(<Maintenance />, { route: 'maintenance', backend: listed });
    const row = await screen.findByTestId(`window-${active.id}`);
    expect(row).toHaveTextContent('nova, placement');
    expect(row).toHaveTextContent('Nova upgrade to 2025.2');
    expect(row).toHaveTextContent('Active');
    expect(row).toHaveTextContent('silence active');
    const other = screen.getByTestId(`window-${failedSilence.id}`);
    expect(other).toHaveTextContent('Upcoming');
    expect(other).toHaveTextContent('could not be reached: ECONNREFUSED');
  });

  it('offers no form and no cancel to Viewers', async () => {
    renderPage(<Maintenance />, { route: 'maintenance', role: OrgRole.Viewer, backend: listed });
    await screen.findByTestId(`window-${active.id}`);
    expect(screen.queryByRole('button', { name: 'Declare window' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Cancel window/ })).not.toBeInTheDocument();
  });

  it('declares a window through the run-role proxy route and shows the runner refusal as it is', async () => {
    let body: unknown;
    const { user } = renderPage(<Maintenance />, {
      route: 'maintenance',
      role: OrgRole.Admin,
      backend: {
        ...listed,
        'POST /api/maintenance': (request) => {
          body = request.data;
          return {
            status: 400,
            data: { error: 'the window overlaps mw-0123456789ab on nova (...)', code: 'bad_request' },
          };
        },
      },
    });
    await screen.findByTestId(`window-${active.id}`);
    await user.click(screen.getByRole('checkbox', { name: 'nova' }));
    await user.type(screen.getByLabelText('End'), '2030-01-02T03:04');
    await user.type(screen.getByLabelText(/^Reason/), 'Nova upgrade, second try');
    await user.click(screen.getByRole('button', { name: 'Declare window' }));
    await waitFor(() => expect(body).toBeDefined());
    expect(body).toEqual({
      services: ['nova'],
      end: new Date('2030-01-02T03:04').toISOString(),
      reason: 'Nova upgrade, second try',
    });
    expect(await screen.findByText(/the window overlaps mw-0123456789ab on nova/)).toBeInTheDocument();
  });

  it('cancels a live window with DELETE', async () => {
    const requests: string[] = [];
    const { user } = renderPage(<Maintenance />, {
      route: 'maintenance',
      role: OrgRole.Admin,
      backend: {
        ...listed,
        [`DELETE /api/maintenance/${active.id}`]: (request) => {
          requests.push(`${request.method} ${request.url}`);
          return { status: 200, data: { ...active, state: 'cancelled', cancelledAt: new Date().toISOString() } };
        },
      },
    });
    const row = await screen.findByTestId(`window-${active.id}`);
    await user.click(within(row).getByRole('button', { name: `Cancel window ${active.id}` }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toMatch(/^DELETE .*\/runner\/api\/maintenance\/mw-0123456789ab$/);
  });
});
