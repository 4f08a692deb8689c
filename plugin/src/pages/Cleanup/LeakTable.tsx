import React, { useMemo, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { Field, Icon, Input, Select, Stack, TextLink, useStyles2 } from '@grafana/ui';

import type { Leak } from '../../api/types';
import { filterLeaks, LeakFilter, LeakSortKey, sortLeaks, SortDirection } from '../../status/leaks';
import { formatDuration } from '../../utils/format';
import { runLink } from '../../utils/links';
import { getTableStyles } from '../../utils/styles';

const COLUMNS: Array<{ key: LeakSortKey; label: string }> = [
  { key: 'service', label: 'Service' },
  { key: 'type', label: 'Type' },
  { key: 'name', label: 'Name' },
  { key: 'project', label: 'Project' },
  { key: 'age', label: 'Age' },
  { key: 'run', label: 'Attributed run' },
];

/** What the runner proved about whose a leak is (docs/api.md, Attribution); a purge leaves unattributed ones alone. */
const ATTRIBUTION: Record<Leak['attribution'], string> = {
  run: 'a task of a run',
  'rally-task': "a task in Rally's database",
  unattributed: 'unattributed: no Rally task here; not purged unless included',
};

const options = (values: string[], all: string): Array<SelectableValue<string>> => [
  { label: all, value: '' },
  ...values.map((v) => ({ label: v, value: v })),
];

/** The current leaks with service/type/text filters and sortable columns; tells its parent the filter in use. */
export function LeakTable({ leaks, onFilterChange }: { leaks: Leak[]; onFilterChange?: (filter: LeakFilter) => void }) {
  const styles = useStyles2(getTableStyles);
  const [filter, setFilterState] = useState<LeakFilter>({});
  const [sort, setSort] = useState<{ key: LeakSortKey; direction: SortDirection }>({ key: 'age', direction: 'desc' });
  const services = useMemo(() => Array.from(new Set(leaks.map((l) => l.service))).sort(), [leaks]);
  const types = useMemo(() => Array.from(new Set(leaks.map((l) => l.type))).sort(), [leaks]);
  const shown = useMemo(() => sortLeaks(filterLeaks(leaks, filter), sort.key, sort.direction), [leaks, filter, sort]);

  const setFilter = (next: LeakFilter) => {
    setFilterState(next);
    onFilterChange?.(next);
  };
  const onSort = (key: LeakSortKey) =>
    setSort((s) => ({ key, direction: s.key === key && s.direction === 'asc' ? 'desc' : 'asc' }));

  return (
    <Stack direction="column" gap={1}>
      <Stack alignItems="flex-end" wrap="wrap">
        <Field label="Service">
          <Select
            inputId="leaks-service"
            width={20}
            options={options(services, 'All services')}
            value={filter.service ?? ''}
            onChange={(v) => setFilter({ ...filter, service: v.value || undefined })}
          />
        </Field>
        <Field label="Type">
          <Select
            inputId="leaks-type"
            width={24}
            options={options(types, 'All types')}
            value={filter.type ?? ''}
            onChange={(v) => setFilter({ ...filter, type: v.value || undefined })}
          />
        </Field>
        <Field label="Search">
          <Input
            id="leaks-search"
            width={30}
            placeholder="name, id, project or run"
            value={filter.text ?? ''}
            onChange={(e) => setFilter({ ...filter, text: e.currentTarget.value })}
          />
        </Field>
      </Stack>
      <div className={styles.secondary}>
        {shown.length} of {leaks.length} leaked resources
      </div>
      {shown.length > 0 && (
        <table className={styles.table} aria-label="Leaked resources">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" onClick={() => onSort(c.key)} style={{ all: 'inherit', cursor: 'pointer' }}>
                    {c.label}{' '}
                    {sort.key === c.key && (
                      <Icon name={sort.direction === 'asc' ? 'arrow-up' : 'arrow-down'} size="sm" />
                    )}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((l) => (
              <tr key={`${l.service}/${l.type}/${l.id}`} data-testid={`leak-${l.id}`}>
                <td>{l.service}</td>
                <td>{l.type}</td>
                <td>
                  {l.name}
                  {l.id !== l.name && <div className={styles.secondary}>{l.id}</div>}
                </td>
                <td>{l.project ?? '-'}</td>
                <td title={l.createdAt ? `created ${l.createdAt}` : `first seen ${l.firstSeenAt}`}>
                  {formatDuration(l.ageSeconds * 1000)}
                </td>
                <td>
                  {l.runId ? (
                    <TextLink href={runLink(l.runId)}>{l.runId}</TextLink>
                  ) : (
                    <span className={styles.secondary}>unknown</span>
                  )}
                  <div className={styles.secondary}>task {l.taskUuid ?? `${l.taskPrefix}…`}</div>
                  {l.attribution && (
                    <div className={styles.secondary} data-testid="attribution">
                      {ATTRIBUTION[l.attribution]}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Stack>
  );
}
