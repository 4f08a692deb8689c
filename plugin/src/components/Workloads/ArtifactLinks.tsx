import React, { useState } from 'react';
import { Drawer, LinkButton } from '@grafana/ui';

import { artifactUrl } from '../../api/runnerApi';
import type { ServiceResult } from '../../api/types';
import { ReportViewer } from './ReportViewer';

/**
 * Links to the Rally evidence the runner kept for one service of a run, through the plugin's proxy route.
 * Every link has a `target`: Grafana routes clicks on an <a href> without one inside its SPA
 * (public/app/core/navigation/patch/interceptLinkClicks.ts), where a proxy URL is "Page not found".
 */
export function ArtifactLinks({ runId, result, size }: { runId: string; result: ServiceResult; size?: 'sm' | 'md' }) {
  const { artifacts, service } = result;
  const [reportOpen, setReportOpen] = useState(false);
  return (
    <>
      {artifacts.html && (
        <LinkButton
          size={size}
          variant="secondary"
          icon="eye"
          target="_blank"
          href={artifactUrl(runId, 'report.html', service)}
          onClick={(e) => {
            // Opened from the proxy the report would have no scripts (Grafana's CSP sandbox): show it in the app.
            e.preventDefault();
            setReportOpen(true);
          }}
        >
          Rally HTML report
        </LinkButton>
      )}
      {artifacts.junit && (
        <LinkButton
          size={size}
          variant="secondary"
          icon="file-alt"
          target="_blank"
          download={`rally-junit-${runId}-${service}.xml`}
          href={artifactUrl(runId, 'junit.xml', service)}
        >
          JUnit XML
        </LinkButton>
      )}
      {artifacts.log && (
        <LinkButton
          size={size}
          variant="secondary"
          icon="file-alt"
          target="_blank"
          href={artifactUrl(runId, 'rally.log', service)}
        >
          Rally log
        </LinkButton>
      )}
      {artifacts.debugLog && (
        <LinkButton
          size={size}
          variant="secondary"
          icon="bug"
          target="_blank"
          href={artifactUrl(runId, 'rally-debug.log', service)}
        >
          Rally debug log
        </LinkButton>
      )}
      {reportOpen && (
        <Drawer
          title={`Rally report: ${service}`}
          subtitle={`Run ${runId}`}
          size="lg"
          onClose={() => setReportOpen(false)}
        >
          <ReportViewer runId={runId} service={service} />
        </Drawer>
      )}
    </>
  );
}
