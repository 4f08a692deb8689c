import React from 'react';
import { LinkButton } from '@grafana/ui';

import { artifactUrl } from '../../api/runnerApi';
import type { ServiceResult } from '../../api/types';

/** Links to the Rally evidence the runner kept for one service of a run, through the plugin's proxy route. */
export function ArtifactLinks({ runId, result, size }: { runId: string; result: ServiceResult; size?: 'sm' | 'md' }) {
  const { artifacts, service } = result;
  return (
    <>
      {artifacts.html && (
        <LinkButton size={size} variant="secondary" icon="external-link-alt" target="_blank" href={artifactUrl(runId, 'report.html', service)}>
          Rally HTML report
        </LinkButton>
      )}
      {artifacts.junit && (
        <LinkButton size={size} variant="secondary" icon="file-alt" href={artifactUrl(runId, 'junit.xml', service)}>
          JUnit XML
        </LinkButton>
      )}
      {artifacts.log && (
        <LinkButton size={size} variant="secondary" icon="file-alt" target="_blank" href={artifactUrl(runId, 'rally.log', service)}>
          Rally log
        </LinkButton>
      )}
    </>
  );
}
