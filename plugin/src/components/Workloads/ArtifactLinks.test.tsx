import fs from 'fs';
import path from 'path';
import React from 'react';
import { screen, within } from '@testing-library/react';
import { OrgRole } from '@grafana/data';

import { recorded } from '../../test/recorded';
import { renderPage } from '../../test/render';
import { ArtifactLinks } from './ArtifactLinks';
import { REPORT_FRAME_CSP } from './ReportViewer';

// A real Rally 3.3.0 static HTML report of a Keystone task (runner/test/fixtures/rally-3.3.0/README.md).
const REPORT = fs.readFileSync(
  path.resolve(__dirname, '../../../../runner/test/fixtures/rally-3.3.0/keystone-pass.report.html'),
  'utf8'
);
const r = recorded();
const result = r.run.services.find((s) => s.artifacts.html && s.artifacts.junit && s.artifacts.log)!;

describe('ArtifactLinks', () => {
  beforeAll(() => {
    // jsdom has no ResizeObserver; @grafana/ui's Drawer observes its size.
    global.ResizeObserver ??= class {
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
  });

  it('gives every artifact link a target, so Grafana does not route it inside the app', () => {
    renderPage(<ArtifactLinks runId={r.run.id} result={result} />, { role: OrgRole.Viewer });
    for (const name of ['Rally HTML report', 'JUnit XML', 'Rally log']) {
      expect(screen.getByRole('link', { name })).toHaveAttribute('target', '_blank');
    }
    expect(screen.getByRole('link', { name: 'JUnit XML' })).toHaveAttribute('download');
  });

  it("links Rally's debug log only when the runner kept one (RALLY_MONITOR_RALLY_DEBUG)", () => {
    const { unmount } = renderPage(<ArtifactLinks runId={r.run.id} result={result} />, { role: OrgRole.Viewer });
    expect(screen.queryByRole('link', { name: 'Rally debug log' })).toBeNull();
    unmount();
    const debug = { ...result, artifacts: { ...result.artifacts, debugLog: true } };
    renderPage(<ArtifactLinks runId={r.run.id} result={debug} />, { role: OrgRole.Viewer });
    const link = screen.getByRole('link', { name: 'Rally debug log' });
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('href')).toContain(`/api/runs/${r.run.id}/rally-debug.log?service=${result.service}`);
  });

  it("shows Rally's report inside the app in a script-only sandboxed srcdoc frame, with a download link", async () => {
    const { user, backend } = renderPage(<ArtifactLinks runId={r.run.id} result={result} />, {
      role: OrgRole.Viewer,
      backend: { [`GET /api/runs/${r.run.id}/report.html`]: { status: 200, data: REPORT } },
    });
    await user.click(screen.getByRole('link', { name: 'Rally HTML report' }));
    const frame = await screen.findByTestId('rally-report-frame');
    expect(frame).toHaveAttribute('sandbox', 'allow-scripts');
    expect(frame.getAttribute('src')).toBeNull();
    const srcdoc = frame.getAttribute('srcdoc')!;
    expect(srcdoc).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_FRAME_CSP}">`);
    expect(srcdoc.indexOf('Content-Security-Policy')).toBeLessThan(srcdoc.indexOf('<script'));
    expect(srcdoc.length).toBeGreaterThan(REPORT.length);
    expect(backend.requests[0]).toMatchObject({ responseType: 'text', method: 'GET' });
    expect(backend.requests[0]!.url).toBe(
      `api/plugin-proxy/rallymonitor-openstack-app/runner/api/runs/${r.run.id}/report.html?service=${result.service}`
    );
    const download = within(screen.getByRole('dialog')).getByRole('link', { name: 'Download the report' });
    expect(download).toHaveAttribute('download');
    expect(download).toHaveAttribute('target', '_blank');
  });

  it('says so when the report cannot be fetched', async () => {
    const { user } = renderPage(<ArtifactLinks runId={r.run.id} result={result} />, {
      role: OrgRole.Viewer,
      backend: {
        [`GET /api/runs/${r.run.id}/report.html`]: {
          status: 404,
          data: { error: 'report.html of keystone was pruned or lost', code: 'not_found' },
        },
      },
    });
    await user.click(screen.getByRole('link', { name: 'Rally HTML report' }));
    expect(await screen.findByText('The report could not be loaded')).toBeInTheDocument();
  });
});
