import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { computeUptime, type Segment } from '../../status/segments';
import { StatusTimeline } from './StatusTimeline';

const MIN = 60_000;
const FROM = Date.parse('2026-11-21T00:00:00Z');

describe('StatusTimeline', () => {
  it("shows a maintenance cell with the window's reason on hover", () => {
    const segments: Segment[] = [
      { state: 'pass', start: FROM, end: FROM + 30 * MIN },
      { state: 'maintenance', start: FROM + 30 * MIN, end: FROM + 60 * MIN, detail: 'Nova upgrade (Rally: fail)' },
    ];
    render(
      <StatusTimeline
        lanes={[{ name: 'nova', segments, uptime: computeUptime(segments) }]}
        from={FROM}
        to={FROM + 60 * MIN}
        timeZone="utc"
      />
    );
    const cell = screen.getByLabelText('nova status timeline').querySelector('rect[data-state="maintenance"]')!;
    fireEvent.mouseOver(cell, { clientX: 5, clientY: 5 });
    const tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('nova: Maintenance');
    expect(tooltip).toHaveTextContent('Nova upgrade (Rally: fail)');
    expect(screen.getByTestId('uptime-nova')).toHaveTextContent('100.00%');
  });
});
