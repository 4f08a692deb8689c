import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import { OrgRole } from '@grafana/data';

import type { BackendSrvRequest } from '@grafana/runtime';

import type { FakeBackend, Routes } from '../../test/backend';
import type { PurgeOutcome } from '../../api/types';
import { recordedCleanup, unreachableRoutes } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { filterLeaks, sortLeaks } from '../../status/leaks';
import { Cleanup } from './Cleanup';

const c = recordedCleanup();

/** The recorded dry runs: without includeUnattributed (as the page asks first), and with it (after the opt-in). */
const dryRunFor = (request: BackendSrvRequest) =>
  request.data?.includeUnattributed ? c.dryRun : c.dryRunAttributedOnly;

function routes(): Routes {
  return {
    'GET /api/cleanup': { status: 200, data: c.report },
    'GET /api/cleanup/audit': { status: 200, data: c.audit },
    'POST /api/cleanup/purge': (request) => ({
      status: 200,
      data: request.data?.confirm ? c.purge : dryRunFor(request),
    }),
  };
}

const posts = (backend: FakeBackend) => backend.requests.filter((q) => q.method === 'POST').map((q) => q.data);

const rowIds = () =>
  screen.getAllByTestId(/^leak-/).map((row) => row.getAttribute('data-testid')!.slice('leak-'.length));

describe('Cleanup', () => {
  it('lists the recorded leaks, oldest first, with the run and task they are attributed to', async () => {
    expect(c.report.leaks.length).toBeGreaterThan(0);
    renderPage(<Cleanup />, { backend: routes() });
    await screen.findByRole('table', { name: 'Leaked resources' });
    expect(
      screen.getByText(`${c.report.leaks.length} of ${c.report.leaks.length} leaked resources`)
    ).toBeInTheDocument();
    expect(rowIds()).toEqual(sortLeaks(c.report.leaks, 'age', 'desc').map((l) => l.id));
    for (const leak of c.report.leaks) {
      const row = screen.getByTestId(`leak-${leak.id}`);
      if (leak.runId) {
        expect(within(row).getByRole('link', { name: leak.runId })).toHaveAttribute(
          'href',
          `/a/rallymonitor-openstack-app/runs/${leak.runId}`
        );
      } else {
        // Not tied to a run the runner knows: said so, with the task part of the name.
        expect(row).toHaveTextContent(`unknowntask ${leak.taskUuid ?? `${leak.taskPrefix}…`}`);
      }
    }
  });

  it('says whose each leak is proven to be, and that an unattributed one is not purged unless included', async () => {
    renderPage(<Cleanup />, { backend: routes() });
    await screen.findByRole('table', { name: 'Leaked resources' });
    // The recorder's resources are named after no Rally task: unattributed.
    expect(c.report.leaks.map((l) => l.attribution)).toContain('unattributed');
    for (const leak of c.report.leaks) {
      const text = within(screen.getByTestId(`leak-${leak.id}`)).getByTestId('attribution').textContent;
      expect(text).toMatch(
        leak.attribution === 'unattributed'
          ? /^unattributed: .*not purged unless included/
          : leak.attribution === 'run'
            ? /a task of a run/
            : /Rally's database/
      );
    }
  });

  it('filters by type and by text, and sorts by a column', async () => {
    const { user } = renderPage(<Cleanup />, { backend: routes() });
    await screen.findByRole('table', { name: 'Leaked resources' });
    const type = c.report.leaks[0]!.type;
    await user.click(screen.getByLabelText('Type'));
    await user.click(await screen.findByText(type, { selector: '[role="option"] *' }));
    expect(rowIds().sort()).toEqual(
      filterLeaks(c.report.leaks, { type })
        .map((l) => l.id)
        .sort()
    );

    await user.type(screen.getByLabelText('Search'), c.report.leaks[0]!.name);
    expect(rowIds()).toEqual(
      sortLeaks(filterLeaks(c.report.leaks, { type, text: c.report.leaks[0]!.name }), 'age', 'desc').map((l) => l.id)
    );

    await user.clear(screen.getByLabelText('Search'));
    await user.click(screen.getByRole('button', { name: /^Name/ }));
    expect(rowIds()).toEqual(sortLeaks(filterLeaks(c.report.leaks, { type }), 'name', 'asc').map((l) => l.id));
  });

  it('hides the purge from Viewers and Editors', async () => {
    for (const role of [OrgRole.Viewer, OrgRole.Editor]) {
      const { unmount } = renderPage(<Cleanup />, { role, backend: routes() });
      await screen.findByRole('table', { name: 'Leaked resources' });
      expect(screen.queryByRole('button', { name: /Purge/ })).not.toBeInTheDocument();
      unmount();
    }
  });

  it('lists the leaks the dry run left out, each with its reason and why, and deletes none of them', async () => {
    // The recorder's resources are named after no Rally task: the default dry run leaves every one out.
    expect(c.dryRunAttributedOnly.leftOut.length).toBeGreaterThan(0);
    const { user, backend } = renderPage(<Cleanup />, { role: OrgRole.Admin, backend: routes() });
    await user.click(await screen.findByRole('button', { name: 'Purge…' }));

    const dryRun = await screen.findByTestId('purge-dry-run');
    expect(posts(backend)).toEqual([{ confirm: false }]);
    expect(dryRun).toHaveTextContent(`Dry run: ${c.dryRunAttributedOnly.candidates.length} resources would be deleted`);
    expect(dryRun).toHaveTextContent(`${c.dryRunAttributedOnly.leftOut.length} resources in scope are left out`);
    const table = within(dryRun).getByRole('table', { name: 'Left out' });
    expect(within(table).getAllByRole('row')).toHaveLength(c.dryRunAttributedOnly.leftOut.length + 1);
    for (const { leak, reason, detail } of c.dryRunAttributedOnly.leftOut) {
      const row = within(table).getByTestId(`left-out-${leak.id}`);
      expect(row).toHaveTextContent(leak.name);
      expect(within(row).getByTestId('left-out-reason')).toHaveTextContent(reason);
      expect(row).toHaveTextContent(detail);
    }
    expect(within(dryRun).getByRole('checkbox', { name: 'Include unattributed leaks' })).not.toBeChecked();
    expect(within(dryRun).queryByText(/may not be Rally's/)).not.toBeInTheDocument();
    expect(
      within(dryRun).getByRole('button', { name: `Delete ${c.dryRunAttributedOnly.candidates.length} resources` })
    ).toBeDisabled();
  });

  it('purges in two steps: the dry run first, then deletion only after confirmation, with the same opt-in', async () => {
    const { user, backend } = renderPage(<Cleanup />, { role: OrgRole.Admin, backend: routes() });
    await user.click(await screen.findByRole('button', { name: 'Purge…' }));
    await screen.findByTestId('purge-dry-run');
    expect(backend.requests.find((q) => q.method === 'POST')!.url).toBe(
      'api/plugin-proxy/rallymonitor-openstack-app/runner/api/cleanup/purge'
    );

    // The opt-in asks for the dry run again, with the unattributed leaks, and warns whose they may be.
    await user.click(screen.getByRole('checkbox', { name: 'Include unattributed leaks' }));
    await waitFor(() =>
      expect(screen.getByTestId('purge-dry-run')).toHaveTextContent(
        `Dry run: ${c.dryRun.candidates.length} resources would be deleted`
      )
    );
    const dryRun = screen.getByTestId('purge-dry-run');
    expect(posts(backend)).toEqual([{ confirm: false }, { confirm: false, includeUnattributed: true }]);
    expect(within(dryRun).getByRole('checkbox', { name: 'Include unattributed leaks' })).toBeChecked();
    expect(within(dryRun).getByRole('alert', { name: 'Unattributed leaks included' })).toHaveTextContent(
      /may not be Rally's.*another tenant's/
    );

    await user.click(within(dryRun).getByRole('button', { name: `Delete ${c.dryRun.candidates.length} resources` }));
    // The modal asks once more; nothing is deleted until then.
    expect(posts(backend)).toHaveLength(2);
    await user.click(await screen.findByRole('button', { name: 'Delete' }));

    const deleted = c.purge.results.filter((r) => r.outcome === 'deleted').length;
    const failed = c.purge.results.filter((r) => r.outcome === 'failed').length;
    expect(await screen.findByText(`Purge done: ${deleted} deleted, ${failed} failed`)).toBeInTheDocument();
    // Exactly what the dry run listed, with the flag of the dry run it confirms.
    expect(posts(backend)[2]).toEqual({
      confirm: true,
      ...c.dryRun.scope,
      includeUnattributed: true,
      ids: c.dryRun.candidates.map((l) => l.id),
    });
    // The leaks and the audit log are read again after the purge.
    await waitFor(() => expect(backend.requests.filter((q) => q.url.endsWith('/api/cleanup')).length).toBe(2));
    expect(backend.requests.filter((q) => q.url.includes('/api/cleanup/audit')).length).toBe(2);
  });

  it('leaves unattributed leaks out again when the opt-in is cleared, and starts every purge without it', async () => {
    const { user, backend } = renderPage(<Cleanup />, { role: OrgRole.Admin, backend: routes() });
    await user.click(await screen.findByRole('button', { name: 'Purge…' }));
    await screen.findByTestId('purge-dry-run');
    const optIn = () => screen.getByRole('checkbox', { name: 'Include unattributed leaks' });
    await user.click(optIn());
    await screen.findByRole('alert', { name: 'Unattributed leaks included' });
    await user.click(optIn());
    await waitFor(() =>
      expect(screen.getByTestId('purge-dry-run')).toHaveTextContent(
        `Dry run: ${c.dryRunAttributedOnly.candidates.length} resources would be deleted`
      )
    );
    expect(screen.queryByRole('alert', { name: 'Unattributed leaks included' })).not.toBeInTheDocument();

    await user.click(optIn());
    await screen.findByRole('alert', { name: 'Unattributed leaks included' });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Purge…' }));
    await screen.findByTestId('purge-dry-run');
    expect(optIn()).not.toBeChecked();
    expect(posts(backend)).toEqual([
      { confirm: false },
      { confirm: false, includeUnattributed: true },
      { confirm: false },
      { confirm: false, includeUnattributed: true },
      { confirm: false },
    ]);
  });

  it('shows a purge that stopped early as an error, with why and what it deleted before', async () => {
    // Derived from the recorded purge, as the runner answers when the audit log cannot be written after the first
    // deletion (runner/src/cleanup/purge.ts, executePurge: its `stopped` sentence; the rest were not attempted).
    const first = c.purge.results[0]!;
    const stopped: PurgeOutcome = {
      ...c.purge,
      results: [first],
      stopped: 'the audit log could not be written (ENOSPC: no space left on device, write); nothing more was deleted',
    };
    const { user } = renderPage(<Cleanup />, {
      role: OrgRole.Admin,
      backend: {
        ...routes(),
        'POST /api/cleanup/purge': (request) => ({
          status: 200,
          data: request.data?.confirm ? stopped : dryRunFor(request),
        }),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Purge…' }));
    await screen.findByTestId('purge-dry-run');
    await user.click(screen.getByRole('checkbox', { name: 'Include unattributed leaks' }));
    await user.click(await screen.findByRole('button', { name: `Delete ${c.dryRun.candidates.length} resources` }));
    await user.click(await screen.findByRole('button', { name: 'Delete' }));

    const alert = await screen.findByRole('alert', { name: 'Purge stopped: 1 deleted, 0 failed' });
    expect(within(alert).getByTestId('data-testid Alert error')).toBeInTheDocument();
    expect(alert).toHaveTextContent(stopped.stopped!);
    expect(alert).toHaveTextContent(`${first.leak.service} ${first.leak.type} ${first.leak.name}: deleted`);
    expect(alert).toHaveTextContent(`${stopped.candidates.length - 1} not attempted`);
    expect(screen.queryByText(/^Purge done/)).not.toBeInTheDocument();
  });

  it('reads the leaks and the audit log again even when the purge answer is lost, since some may be deleted', async () => {
    const { user, backend } = renderPage(<Cleanup />, {
      role: OrgRole.Admin,
      backend: {
        ...routes(),
        // The proxy gave up waiting (as Grafana answers when the runner does not); the runner may have deleted some.
        'POST /api/cleanup/purge': (request) =>
          request.data?.confirm ? { status: 502, data: {} } : { status: 200, data: dryRunFor(request) },
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Purge…' }));
    await screen.findByTestId('purge-dry-run');
    await user.click(screen.getByRole('checkbox', { name: 'Include unattributed leaks' }));
    await user.click(await screen.findByRole('button', { name: `Delete ${c.dryRun.candidates.length} resources` }));
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Runner unreachable')).toBeInTheDocument();
    await waitFor(() => expect(backend.requests.filter((q) => q.url.endsWith('/api/cleanup')).length).toBe(2));
    await waitFor(() => expect(backend.requests.filter((q) => q.url.includes('/api/cleanup/audit')).length).toBe(2));
  });

  it('deletes nothing when the dry run is cancelled', async () => {
    const { user, backend } = renderPage(<Cleanup />, { role: OrgRole.Admin, backend: routes() });
    await user.click(await screen.findByRole('button', { name: 'Purge…' }));
    await screen.findByTestId('purge-dry-run');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('purge-dry-run')).not.toBeInTheDocument();
    expect(posts(backend)).toEqual([{ confirm: false }]);
  });

  it('scopes the purge to the service on screen', async () => {
    const { user, backend } = renderPage(<Cleanup />, { role: OrgRole.Admin, backend: routes() });
    await screen.findByRole('table', { name: 'Leaked resources' });
    const service = c.report.leaks[0]!.service;
    await user.click(screen.getByLabelText('Service'));
    await user.click(await screen.findByText(service, { selector: '[role="option"] *' }));
    await user.click(screen.getByRole('button', { name: 'Purge…' }));
    await screen.findByTestId('purge-dry-run');
    expect(backend.requests.find((q) => q.method === 'POST')!.data).toEqual({ confirm: false, services: [service] });
  });

  it('scans again on "Scan now" and shows that scan', async () => {
    const { user, backend } = renderPage(<Cleanup />, { backend: routes() });
    await screen.findByRole('table', { name: 'Leaked resources' });
    await user.click(screen.getByRole('button', { name: 'Scan now' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Scan now' })).toBeEnabled());
    const scans = backend.requests.filter((q) => q.url.includes('/api/cleanup?'));
    expect(scans.map((q) => q.url)).toEqual([
      'api/plugin-proxy/rallymonitor-openstack-app/runner/api/cleanup?refresh=true',
    ]);
    expect(screen.getAllByTestId(/^leak-/)).toHaveLength(c.report.leaks.length);
  });

  it('says when "Scan now" got the latest scan because the runner scanned moments ago', async () => {
    // The recorded report as the runner answers a refresh inside its rate limit (runner/src/cleanup/monitor.ts).
    const { user } = renderPage(<Cleanup />, {
      backend: { ...routes(), 'GET /api/cleanup': { status: 200, data: { ...c.report, refresh: 'rate-limited' } } },
    });
    await screen.findByRole('table', { name: 'Leaked resources' });
    await user.click(screen.getByRole('button', { name: 'Scan now' }));
    expect(await screen.findByText(/The runner scanned moments ago/)).toBeInTheDocument();
  });

  it('shows the audit log newest first, one row per deletion (its intent and its outcome together)', async () => {
    const outcomes = c.audit.entries.filter((e) => e.outcome !== 'deleting');
    expect(outcomes.length).toBeGreaterThan(0);
    // The runner records an intent before each DELETE (docs/api.md): the recording holds one per outcome.
    expect(c.audit.entries.filter((e) => e.outcome === 'deleting')).toHaveLength(outcomes.length);
    renderPage(<Cleanup />, { backend: routes() });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByRole('row')).toHaveLength(outcomes.length + 1);
    expect(within(table).queryByText(/deleting|interrupted/)).not.toBeInTheDocument();
  });

  it('shows a deletion whose outcome was never written as interrupted', async () => {
    // The recording with its newest outcome lost, as when the runner dies between a DELETE and its outcome record.
    const newest = c.audit.entries.findIndex((e) => e.outcome !== 'deleting');
    const entries = c.audit.entries.filter((_, i) => i !== newest);
    renderPage(<Cleanup />, { backend: { ...routes(), 'GET /api/cleanup/audit': { status: 200, data: { entries } } } });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByText('interrupted (may be deleted)')).toHaveLength(1);
    expect(within(table).getAllByRole('row')).toHaveLength(c.audit.entries.length / 2 + 1);
  });

  it('says the runner is unreachable and how to fix it', async () => {
    renderPage(<Cleanup />, { backend: unreachableRoutes() });
    expect((await screen.findAllByText('Runner unreachable')).length).toBeGreaterThan(0);
    expect(screen.getAllByText(/check the Runner URL/).length).toBeGreaterThan(0);
  });
});
