import React, { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { dateTimeFormat, SelectableValue } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Button, Field, LoadingPlaceholder, Select, Stack, TextLink, useStyles2 } from '@grafana/ui';

import { CYCLE_STATUSES, CycleStatus, CycleSummary, SERVICE_NAMES, ServiceName } from '../../api/types';
import { TimeRangeControl } from '../../components/TimeRangeControl/TimeRangeControl';
import { RunnerErrorAlert } from '../../components/RunnerError/RunnerErrorAlert';
import { StateBadge } from '../../components/StateBadge/StateBadge';
import { useHistoryPage } from '../../hooks/useRunner';
import { useTimeRange } from '../../hooks/useTimeRange';
import { formatDuration } from '../../utils/format';
import { runLink } from '../../utils/links';
import { getTableStyles } from '../../utils/styles';

const PAGE_SIZE = 50;
const ALL = '';
const serviceOptions: Array<SelectableValue<string>> = [
  { label: 'All services', value: ALL },
  ...SERVICE_NAMES.map((s) => ({ label: s, value: s })),
];
const stateOptions: Array<SelectableValue<string>> = [
  { label: 'All states', value: ALL },
  ...CYCLE_STATUSES.map((s) => ({ label: s, value: s })),
];

function parseService(value: string | null): ServiceName | undefined {
  return value && (SERVICE_NAMES as readonly string[]).includes(value) ? (value as ServiceName) : undefined;
}

function parseState(value: string | null): CycleStatus | undefined {
  return value && (CYCLE_STATUSES as readonly string[]).includes(value) ? (value as CycleStatus) : undefined;
}

export function Runs() {
  const styles = useStyles2(getTableStyles);
  const [params, setParams] = useSearchParams();
  const { range, setRange } = useTimeRange();
  const service = parseService(params.get('service'));
  const state = parseState(params.get('state'));
  const from = range.from.valueOf();
  const to = range.to.valueOf();
  // The pages loaded so far belong to one filter: a new filter starts a new listing. Derived, not reset in an effect.
  const filterKey = JSON.stringify([from, to, service, state]);
  const [listing, setListing] = useState<{ filterKey: string; cursor?: string; earlier: CycleSummary[] }>({
    filterKey,
    earlier: [],
  });
  const { cursor, earlier } = listing.filterKey === filterKey ? listing : { cursor: undefined, earlier: [] };
  const page = useHistoryPage({ from, to, service, state, limit: PAGE_SIZE, cursor });

  const setFilter = (key: 'service' | 'state', value: string | undefined) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) {
        next.set(key, value);
      } else {
        next.delete(key);
      }
      return next;
    });

  const loadMore = () => {
    if (page.data?.nextCursor) {
      setListing({ filterKey, cursor: page.data.nextCursor, earlier: [...earlier, ...page.data.items] });
    }
  };

  const items = [...earlier, ...(page.data?.items ?? [])];

  return (
    <PluginPage subTitle="Every cycle the runner ran, newest first">
      <Stack direction="column" gap={2}>
        <Stack alignItems="flex-end" wrap="wrap">
          <Field label="Service">
            <Select
              inputId="runs-service"
              width={24}
              options={serviceOptions}
              value={service ?? ALL}
              onChange={(v) => setFilter('service', v.value || undefined)}
            />
          </Field>
          <Field label="State">
            <Select
              inputId="runs-state"
              width={20}
              options={stateOptions}
              value={state ?? ALL}
              onChange={(v) => setFilter('state', v.value || undefined)}
            />
          </Field>
          <Field label="Time range">
            <TimeRangeControl value={range} onChange={setRange} />
          </Field>
        </Stack>
        {page.error ? (
          <RunnerErrorAlert error={page.error} onRetry={() => void page.refetch()} />
        ) : page.isPending && items.length === 0 ? (
          <LoadingPlaceholder text="Loading runs…" />
        ) : items.length === 0 ? (
          <div className={styles.secondary}>No cycles match these filters in this time range.</div>
        ) : (
          <>
            <div className={styles.secondary}>
              {items.length} of {page.data?.total ?? items.length} cycles
            </div>
            <table className={styles.table} aria-label="Runs">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th>Duration</th>
                  <th>Trigger</th>
                  <th>Services</th>
                </tr>
              </thead>
              <tbody>
                {items.map((cycle) => (
                  <tr key={cycle.id} data-testid={`run-row-${cycle.id}`}>
                    <td>
                      <TextLink href={runLink(cycle.id)} inline={false}>
                        {cycle.id}
                      </TextLink>
                    </td>
                    <td>
                      <StateBadge state={cycle.status} tooltip={cycle.reason} />
                    </td>
                    <td>{dateTimeFormat(cycle.startedAt)}</td>
                    <td>{formatDuration(cycle.durationSeconds * 1000)}</td>
                    <td>{cycle.trigger}</td>
                    <td>
                      <Stack gap={0.5} wrap="wrap">
                        {cycle.services
                          .filter((s) => s.state !== 'absent')
                          .map((s) => (
                            <span key={s.service} title={s.reason ?? s.state}>
                              {s.service}: <StateBadge state={s.state} />
                            </span>
                          ))}
                      </Stack>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.data?.nextCursor && (
              <Button variant="secondary" onClick={loadMore} disabled={page.isFetching}>
                Load more
              </Button>
            )}
          </>
        )}
      </Stack>
    </PluginPage>
  );
}

export default Runs;
