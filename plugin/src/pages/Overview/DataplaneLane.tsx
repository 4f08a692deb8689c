import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, BadgeColor, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';

import { prefixRoute, ROUTES } from '../../constants';
import { useDataplaneMatrix } from '../../hooks/useDataplane';
import { DataplaneState, summarize } from '../../status/dataplane';
import { summaryText } from '../Dataplane/Dataplane';

const BADGES: Record<DataplaneState, { text: string; color: BadgeColor }> = {
  ok: { text: 'OK', color: 'green' },
  degraded: { text: 'Degraded', color: 'orange' },
  down: { text: 'Down', color: 'red' },
  none: { text: 'No canaries', color: 'darkgrey' },
};

/**
 * The dataplane's one line on the Overview, beside the seven services' control-plane results: the mesh's state
 * from Prometheus, independent of the runner (a runner that is down does not hide it, nor the reverse).
 */
export function DataplaneLane({ uid }: { uid: string }) {
  const styles = useStyles2(getStyles);
  const matrix = useDataplaneMatrix(uid);
  const summary = matrix.data ? summarize(matrix.data) : undefined;
  return (
    <div data-testid="dataplane-lane" className={styles.lane}>
      <Stack alignItems="center" gap={2}>
        <TextLink href={prefixRoute(ROUTES.Dataplane)} inline={false}>
          Dataplane
        </TextLink>
        {summary && <Badge text={BADGES[summary.state].text} color={BADGES[summary.state].color} />}
        {matrix.error ? (
          <Text color="warning">
            Prometheus cannot be queried: {matrix.error.message} {matrix.error.hint}
          </Text>
        ) : matrix.isPending ? (
          <Text color="secondary">Loading the canaries&apos; figures…</Text>
        ) : summary?.state === 'none' ? (
          <Text color="secondary">No canary reports to Prometheus: deploy them with rally-monitor canary deploy.</Text>
        ) : (
          summary && <Text>{summaryText(summary)}</Text>
        )}
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  lane: css({
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
});
