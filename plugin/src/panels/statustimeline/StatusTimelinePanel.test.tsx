import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { dateTime, FieldType, LoadingState, PanelProps, toDataFrame } from '@grafana/data';
import { locationService } from '@grafana/runtime';

import { defaultOptions, StatusTimelineOptions } from './options';
import { StatusTimelinePanel } from './StatusTimelinePanel';

const FROM = Date.parse('2026-11-21T00:00:00Z');
const STEP = 5 * 60_000;
const TO = FROM + 12 * STEP;

/** A Prometheus-like series of rally_service_status for one service: one sample per 5 minutes. */
function statusFrame(service: string, values: Array<number | null>) {
  return toDataFrame({
    name: 'rally_service_status',
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => FROM + i * STEP) },
      { name: 'Value', type: FieldType.number, values, labels: { service, cloud: 'c', region: 'r' } },
    ],
  });
}

function renderPanel(frames: ReturnType<typeof statusFrame>[], options: Partial<StatusTimelineOptions> = {}) {
  const timeRange = { from: dateTime(FROM), to: dateTime(TO), raw: { from: dateTime(FROM), to: dateTime(TO) } };
  const props = {
    id: 1,
    data: { series: frames, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...defaultOptions, ...options },
    width: 800,
    height: 300,
    title: 'Status',
    transparent: false,
    renderCounter: 0,
    fieldConfig: { defaults: {}, overrides: [] },
    replaceVariables: (s: string) => s,
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    onChangeTimeRange: jest.fn(),
    eventBus: {} as PanelProps['eventBus'],
  } as unknown as PanelProps<StatusTimelineOptions>;
  return render(<StatusTimelinePanel {...props} />);
}

const cells = (service: string) =>
  Array.from(screen.getByTestId(`timeline-lane-${service}`).querySelectorAll('rect[data-state]')) as SVGRectElement[];

describe('StatusTimelinePanel', () => {
  it('draws one lane per series, named by the service label, with states from the status codes', () => {
    renderPanel([
      statusFrame('nova', [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]),
      statusFrame('glance', [1, 1, -1, -1, 1, 1, 1, 1, 1, 1, 1, 1]),
    ]);
    expect(screen.getByTestId('timeline-lane-nova')).toBeInTheDocument();
    expect(screen.getByTestId('timeline-lane-glance')).toBeInTheDocument();
    expect(cells('nova').map((c) => c.dataset.state)).toEqual(['pass', 'fail', 'pass']);
    expect(cells('glance').map((c) => c.dataset.state)).toEqual(['pass', 'error', 'pass']);
    // Fail takes 2 of 12 steps: 10 of 12 tested steps passed.
    expect(screen.getByTestId('uptime-nova')).toHaveTextContent('83.33%');
    // Error time is excluded from uptime and shown apart.
    expect(screen.getByTestId('uptime-glance')).toHaveTextContent('100.00%');
    expect(screen.getByTestId('uptime-glance')).toHaveTextContent('error 10m');
  });

  it('colours cells from the options', () => {
    renderPanel([statusFrame('nova', [1, 1, 0, 0, -1, -1, 1, 1, 1, 1, 1, 1])], {
      passColor: '#00ff00',
      failColor: '#ff0000',
      errorColor: '#777777',
    });
    expect(cells('nova').map((c) => c.getAttribute('fill'))).toEqual(['#00ff00', '#ff0000', '#777777', '#00ff00']);
  });

  it('shows missing samples as a gap, never green, hatched or empty as chosen', () => {
    const values = [1, 1, null, null, null, null, null, 1, 1, 1, 1, 1];
    const { unmount } = renderPanel([statusFrame('nova', values)]);
    const gap = cells('nova').find((c) => c.dataset.state === 'nodata')!;
    expect(gap.getAttribute('fill')).toMatch(/^url\(#gap-/);
    expect(screen.getByLabelText('Legend')).toHaveTextContent('No data');
    unmount();

    renderPanel([statusFrame('nova', values)], { gapStyle: 'empty' });
    expect(cells('nova').find((c) => c.dataset.state === 'nodata')!.getAttribute('fill')).toBe('transparent');
    expect(screen.getByLabelText('Legend')).not.toHaveTextContent('No data');
  });

  it('treats a series that stops reporting as no data after the gap threshold', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [FROM, FROM + STEP, FROM + 2 * STEP] },
        { name: 'Value', type: FieldType.number, values: [1, 1, 1], labels: { service: 'nova' } },
      ],
    });
    renderPanel([frame], { maxGapSeconds: 300 });
    const states = cells('nova').map((c) => c.dataset.state);
    expect(states).toEqual(['pass', 'nodata']);
  });

  it('draws the same lane from a frame whose rows are not in time order', () => {
    const values = [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
    const order = values.map((_, i) => i).reverse();
    const frame = toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: order.map((i) => FROM + i * STEP) },
        { name: 'Value', type: FieldType.number, values: order.map((i) => values[i]), labels: { service: 'nova' } },
      ],
    });
    renderPanel([frame]);
    expect(cells('nova').map((c) => c.dataset.state)).toEqual(['pass', 'fail', 'pass']);
    expect(screen.getByTestId('uptime-nova')).toHaveTextContent('83.33%');
  });

  it('hides uptime and legend when switched off', () => {
    renderPanel([statusFrame('nova', new Array(12).fill(1))], { showUptime: false, showLegend: false });
    expect(screen.queryByTestId('uptime-nova')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Legend')).not.toBeInTheDocument();
  });

  it('shows state, time and duration of the state in a tooltip', () => {
    renderPanel([statusFrame('nova', [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1])]);
    const fail = cells('nova')[1]!;
    fireEvent.mouseOver(fail, { clientX: 10, clientY: 10 });
    const tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('nova: Fail');
    expect(tooltip).toHaveTextContent('2026-11-21 00:20:00 to 2026-11-21 00:30:00');
    expect(tooltip).toHaveTextContent('Duration 10m');
    fireEvent.mouseLeave(screen.getByLabelText('nova status timeline'));
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
  });

  it("opens the service's runs at the cell's time on click, but not for gaps", () => {
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => {});
    renderPanel([statusFrame('nova', [1, 1, 1, 1, 0, 0, null, null, null, null, 1, 1])]);
    const [, fail, gap] = cells('nova');
    fireEvent.click(fail!);
    expect(push).toHaveBeenCalledWith(
      `/a/rallymonitor-openstack-app/runs?service=nova&from=${FROM + 4 * STEP}&to=${FROM + 6 * STEP}`
    );
    push.mockClear();
    fireEvent.click(gap!);
    expect(push).not.toHaveBeenCalled();
  });

  it('says so when the query returns no status series', () => {
    renderPanel([]);
    expect(screen.getByText('No status series in this time range.')).toBeInTheDocument();
  });

  it('uses the display name when a series has no service label', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [FROM] },
        { name: 'min_status', type: FieldType.number, values: [1] },
      ],
    });
    renderPanel([frame]);
    expect(within(screen.getByTestId('status-timeline')).getByText('min_status')).toBeInTheDocument();
  });
});
