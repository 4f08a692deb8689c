import React from 'react';
import { Alert, Button } from '@grafana/ui';

import type { RunnerApiError } from '../../api/errors';

const TITLES: Record<RunnerApiError['kind'], string> = {
  unreachable: 'Runner unreachable',
  'not-configured': 'Runner not configured',
  unauthorized: 'Runner token rejected',
  'token-disabled': 'Runner refuses changes',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Runner busy',
  'bad-request': 'Request rejected',
  unhealthy: 'Runner unhealthy',
  unknown: 'Runner error',
};

const PROMETHEUS_TITLES: Partial<Record<RunnerApiError['kind'], string>> = {
  unreachable: 'Prometheus unreachable',
  'not-configured': 'Prometheus data source not found',
  unauthorized: 'Prometheus refused Grafana',
  'bad-request': 'Query rejected by Prometheus',
  unknown: 'Prometheus error',
};

/** What failed and how to fix it: never a blank page or a stack trace. */
export function RunnerErrorAlert({ error, onRetry }: { error: RunnerApiError; onRetry?: () => void }) {
  const title = (error.source === 'prometheus' && PROMETHEUS_TITLES[error.kind]) || TITLES[error.kind];
  return (
    <Alert severity="error" title={title}>
      <p>{error.message}</p>
      <p>{error.hint}</p>
      {onRetry && (
        <Button size="sm" variant="secondary" icon="sync" onClick={onRetry}>
          Retry
        </Button>
      )}
    </Alert>
  );
}
