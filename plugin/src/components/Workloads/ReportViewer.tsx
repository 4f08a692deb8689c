import React from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, LinkButton, LoadingPlaceholder } from '@grafana/ui';

import { toRunnerError } from '../../api/errors';
import { artifactUrl, runnerApi } from '../../api/runnerApi';
import type { ServiceName } from '../../api/types';
import { runnerKeys } from '../../data/queryKeys';

/**
 * The runner's own policy for its reports (runner/src/http/server.ts REPORT_CSP) minus `sandbox`, which a <meta>
 * policy cannot carry (the iframe's sandbox attribute does that job). It keeps the report off the network: inline
 * scripts and styles, data: images, nothing fetched.
 */
export const REPORT_FRAME_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** The report with REPORT_FRAME_CSP as the first thing in its document, before any script can run. */
export function withFramePolicy(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${REPORT_FRAME_CSP}">`;
  const head = /<head[^>]*>/i.exec(html);
  return head
    ? html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length)
    : meta + html;
}

/**
 * Rally's HTML report of one service of a run, shown inside the app. Rally builds the report with scripts, and
 * Grafana's proxy replaces every proxied response's Content-Security-Policy with plain `sandbox`
 * (pkg/util/proxyutil SetProxyResponseHeaders), so the report opened from the proxy URL would be blank. The app
 * fetches it as text and shows it in an iframe with `sandbox="allow-scripts"` (no allow-same-origin: the report runs
 * in an opaque origin, away from Grafana's cookies and DOM) through `srcdoc` (never a blob: URL in Grafana's origin).
 */
export function ReportViewer({ runId, service }: { runId: string; service: ServiceName }) {
  // Cached with the run (runnerKeys.report nests under runnerKeys.run): a report of a finished run never changes.
  const report = useQuery({
    queryKey: runnerKeys.report(runId, service),
    queryFn: () =>
      runnerApi.reportHtml(runId, service).catch((e: unknown) => {
        throw toRunnerError(e);
      }),
    staleTime: Infinity,
  });

  return (
    <div>
      <p>
        <LinkButton
          variant="secondary"
          icon="download-alt"
          href={artifactUrl(runId, 'report.html', service)}
          download={`rally-report-${runId}-${service}.html`}
          target="_blank"
          rel="noreferrer"
        >
          Download the report
        </LinkButton>
      </p>
      {report.isPending && <LoadingPlaceholder text="Loading Rally's report…" />}
      {report.isError && (
        <Alert severity="error" title="The report could not be loaded">
          {report.error.message} {report.error.hint}
        </Alert>
      )}
      {report.isSuccess && (
        <iframe
          data-testid="rally-report-frame"
          title={`Rally report of ${service} in run ${runId}`}
          sandbox="allow-scripts"
          srcDoc={withFramePolicy(report.data)}
          style={{ width: '100%', height: '75vh', border: 0, background: 'white' }}
        />
      )}
    </div>
  );
}
