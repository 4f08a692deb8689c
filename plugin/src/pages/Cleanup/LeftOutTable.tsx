import React from 'react';
import { useStyles2 } from '@grafana/ui';

import type { LeftOut, LeftOutReason } from '../../api/types';
import { getTableStyles } from '../../utils/styles';

/** The runner's reasons (docs/api.md, LeftOutReason), in the order shown: what the operator can change comes first. */
const REASONS: LeftOutReason[] = ['unattributed', 'scan-failed', 'dependents-unknown'];

/**
 * The in-scope leaks a dry run left out, grouped by reason, each with the runner's sentence saying why, so an
 * operator sees what a purge will not touch and what would change that.
 */
export function LeftOutTable({ leftOut }: { leftOut: LeftOut[] }) {
  const styles = useStyles2(getTableStyles);
  const order = (reason: LeftOutReason) => (REASONS.includes(reason) ? REASONS.indexOf(reason) : REASONS.length);
  const rows = [...leftOut].sort((a, b) => order(a.reason) - order(b.reason));
  return (
    <table className={styles.table} aria-label="Left out">
      <thead>
        <tr>
          <th>Service</th>
          <th>Type</th>
          <th>Name</th>
          <th>Left out because</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ leak, reason, detail }) => (
          <tr key={`${leak.service}/${leak.type}/${leak.id}`} data-testid={`left-out-${leak.id}`}>
            <td>{leak.service}</td>
            <td>{leak.type}</td>
            <td>
              {leak.name}
              {leak.id !== leak.name && <div className={styles.secondary}>{leak.id}</div>}
            </td>
            <td>
              <strong data-testid="left-out-reason">{reason}</strong>
              <div className={styles.secondary}>{detail}</div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
