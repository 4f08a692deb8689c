import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import { OrgRole } from '@grafana/data';

import type { MaintenanceWindow } from '../../api/types';
import { runnerFixture } from '../../test/fixtures';
import { renderPage } from '../../test/render';
import { Maintenance } from './Maintenance';

// Windows as GET /api/maintenance listed them, recorded from a real runner with a real Alertmanager
// (runner/test/integration/maintenance.test.ts): an active window on Keystone whose silence is active.
const [active] = runnerFixture<{ windows: MaintenanceWindow[] }>('maintenance/windows.json').windows as [
  MaintenanceWindow,
];
// The same window as the runner shows it when Alertmanager could not be reached (silences.ts keeps the error).
const failedSilence: MaintenanceWindow = {
  ...active,
  id: 'mw-ba9876543210',
  state: 'upcoming',
  silence: { id: null, state: 'failed', error: 'Alertmanager at http://am:9093 could not be reached: ECONNREFUSED' },
};

const listed = { 'GET /api/maintenance': { status: 200, data: { windows: [active, failedSilence] } } };

describe('Maintenance page', () => {
  it('lists the windows with their services, times, reason and silence, and says when a silence failed', async () => {
    renderPage(<Maintenance />, { route: 'maintenance', backend: listed });
    const row = await screen.findByTestId(`window-${active.id}`);
    expect(row).toHaveTextContent(active.services.join(', '));
    expect(row).toHaveTextContent(active.reason);
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
            data: { error: `the window overlaps ${active.id} on keystone (...)`, code: 'bad_request' },
          };
        },
      },
    });
    await screen.findByTestId(`window-${active.id}`);
    await user.click(screen.getByRole('checkbox', { name: 'keystone' }));
    await user.type(screen.getByLabelText('End'), '2030-01-02T03:04');
    await user.type(screen.getByLabelText(/^Reason/), 'Keystone upgrade, second try');
    await user.click(screen.getByRole('button', { name: 'Declare window' }));
    await waitFor(() => expect(body).toBeDefined());
    expect(body).toEqual({
      services: ['keystone'],
      end: new Date('2030-01-02T03:04').toISOString(),
      reason: 'Keystone upgrade, second try',
    });
    expect(await screen.findByText(new RegExp(`the window overlaps ${active.id} on keystone`))).toBeInTheDocument();
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
    expect(requests[0]).toMatch(new RegExp(`^DELETE .*/runner/api/maintenance/${active.id}$`));
  });
});
