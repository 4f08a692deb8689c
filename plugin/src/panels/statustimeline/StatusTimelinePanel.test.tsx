import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import {
  applyFieldOverrides,
  createTheme,
  DataFrame,
  dateTime,
  FieldConfigSource,
  FieldType,
  LoadingState,
  MappingType,
  PanelProps,
  toDataFrame,
} from '@grafana/data';
import { locationService } from '@grafana/runtime';

import { registerStandardFieldConfigs, replaceFieldMacros } from '../../test/standardFieldConfig';
import { plugin } from './module';
import { defaultOptions, StatusTimelineOptions } from './options';
import { StatusTimelinePanel } from './StatusTimelinePanel';

registerStandardFieldConfigs();

const FROM = Date.parse('2026-11-21T00:00:00Z');
const STEP = 5 * 60_000;
const TO = FROM + 12 * STEP;

/**
 * rally_service_status as Grafana's Prometheus data source returns it for a query with a legend format
 * (grafana/grafana pkg/promlib/querydata/response.go, addMetadataToMultiFrame): the frame is named by the legend,
 * the value field carries it as config.displayNameFromDS and every label, and the time field the query's step.
 */
function promFrame(labels: Record<string, string>, legendFormat: string, values: Array<number | null>) {
  const legend = legendFormat.replace(/\{\{(\w+)\}\}/g, (_, name: string) => labels[name] ?? '');
  return toDataFrame({
    name: legend,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => FROM + i * STEP), config: { interval: STEP } },
      {
        name: 'Value',
        type: FieldType.number,
        values,
        labels: { __name__: 'rally_service_status', ...labels },
        config: { displayNameFromDS: legend },
      },
    ],
  });
}

/** What Grafana's PanelQueryRunner does before a panel sees the data: the panel's field config applied. */
function withFieldConfig(frames: DataFrame[], fieldConfig: FieldConfigSource): DataFrame[] {
  return applyFieldOverrides({
    data: frames,
    fieldConfig,
    fieldConfigRegistry: plugin.fieldConfigRegistry,
    replaceVariables: replaceFieldMacros,
    theme: createTheme(),
    timeZone: 'utc',
  });
}

/** One service's rally_service_status with the legend format {{service}}: one sample per 5 minutes. */
function statusFrame(service: string, values: Array<number | null>) {
  return promFrame({ service, cloud: 'c', region: 'r' }, '{{service}}', values);
}

function renderPanel(
  frames: DataFrame[],
  options: Partial<StatusTimelineOptions> = {},
  fieldConfig: FieldConfigSource = { defaults: {}, overrides: [] }
) {
  const timeRange = { from: dateTime(FROM), to: dateTime(TO), raw: { from: dateTime(FROM), to: dateTime(TO) } };
  const props = {
    id: 1,
    data: { series: withFieldConfig(frames, fieldConfig), state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...defaultOptions, ...options },
    width: 800,
    height: 300,
    title: 'Status',
    transparent: false,
    renderCounter: 0,
    fieldConfig,
    replaceVariables: (s: string) => s,
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    onChangeTimeRange: jest.fn(),
    eventBus: {} as PanelProps['eventBus'],
  } as unknown as PanelProps<StatusTimelineOptions>;
  return render(<StatusTimelinePanel {...props} />);
}

/** A frame without its null rows: how Prometheus returns a series that was absent for a while. */
function dropNullRows(frame: DataFrame): DataFrame {
  const keep = frame.fields[1]!.values.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
  return {
    ...frame,
    length: keep.length,
    fields: frame.fields.map((f) => ({ ...f, values: keep.map((i) => f.values[i]) })),
  };
}

const cells = (service: string) =>
  Array.from(screen.getByTestId(`timeline-lane-${service}`).querySelectorAll('rect[data-state]')) as SVGRectElement[];

describe('StatusTimelinePanel', () => {
  afterEach(() => jest.restoreAllMocks());

  it('draws one lane per series, named by its legend, with states from the status codes', () => {
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
    expect(
      cells('nova')
        .find((c) => c.dataset.state === 'nodata')!
        .getAttribute('fill')
    ).toBe('transparent');
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

  it('draws maintenance (2) in its own colour, named in the legend and the tooltip, outside the uptime', () => {
    renderPanel([statusFrame('nova', [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1])]);
    expect(cells('nova').map((c) => c.dataset.state)).toEqual(['pass', 'maintenance', 'pass']);
    expect(cells('nova')[1]!.getAttribute('fill')).not.toBe(cells('nova')[0]!.getAttribute('fill'));
    expect(screen.getByLabelText('Legend')).toHaveTextContent('Maintenance');
    fireEvent.mouseOver(cells('nova')[1]!, { clientX: 10, clientY: 10 });
    expect(screen.getByRole('tooltip')).toHaveTextContent('nova: Maintenance');
    expect(screen.getByTestId('uptime-nova')).toHaveTextContent('100.00%');
    expect(screen.getByTestId('uptime-nova')).toHaveTextContent('maintenance 20m');
  });

  it("opens the lane's service page, for the lane's cloud and region, at the cell's time; not for gaps", () => {
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => {});
    renderPanel([
      promFrame(
        { service: 'nova', cloud: 'east', region: 'r1' },
        '{{service}} ({{cloud}}/{{region}})',
        new Array(12).fill(1)
      ),
      promFrame({ service: 'nova', cloud: 'west', region: 'r2' }, '{{service}} ({{cloud}}/{{region}})', [
        1,
        1,
        1,
        1,
        0,
        0,
        null,
        null,
        null,
        null,
        1,
        1,
      ]),
    ]);
    const [, fail, gap] = cells('nova (west/r2)');
    fireEvent.click(fail!);
    expect(push).toHaveBeenCalledWith(
      `/a/rallymonitor-openstack-app/service/nova?cloud=west&region=r2&from=${FROM + 4 * STEP}&to=${FROM + 6 * STEP}`
    );
    push.mockClear();
    fireEvent.click(gap!);
    expect(push).not.toHaveBeenCalled();
  });

  it('names lanes from the legend format, so the same service in several clouds or regions is told apart', () => {
    const legend = '{{service}} ({{cloud}}/{{region}})';
    renderPanel([
      promFrame({ service: 'nova', cloud: 'east', region: 'r1' }, legend, new Array(12).fill(1)),
      promFrame({ service: 'nova', cloud: 'west', region: 'r1' }, legend, new Array(12).fill(0)),
      promFrame({ service: 'nova', cloud: 'west', region: 'r2' }, legend, new Array(12).fill(-1)),
    ]);
    const names = screen.getAllByTestId(/^timeline-lane-/).map((lane) => lane.getAttribute('data-testid'));
    expect(names).toEqual([
      'timeline-lane-nova (east/r1)',
      'timeline-lane-nova (west/r1)',
      'timeline-lane-nova (west/r2)',
    ]);
    expect(cells('nova (west/r1)').map((c) => c.dataset.state)).toEqual(['fail']);
  });

  it("names lanes without a legend by their service when that tells them apart, else by Grafana's name from the labels", () => {
    const unnamed = (labels: Record<string, string>) =>
      toDataFrame({
        name: 'rally_service_status',
        fields: [
          { name: 'Time', type: FieldType.time, values: [FROM] },
          { name: 'Value', type: FieldType.number, values: [1], labels },
        ],
      });
    const { unmount } = renderPanel([
      unnamed({ service: 'nova', cloud: 'east' }),
      unnamed({ service: 'glance', cloud: 'east' }),
    ]);
    expect(screen.getAllByTestId(/^timeline-lane-/).map((l) => l.getAttribute('data-testid'))).toEqual([
      'timeline-lane-nova',
      'timeline-lane-glance',
    ]);
    unmount();
    renderPanel([unnamed({ service: 'nova', cloud: 'east' }), unnamed({ service: 'nova', cloud: 'west' })]);
    expect(screen.getAllByTestId(/^timeline-lane-/).map((l) => l.getAttribute('data-testid'))).toEqual([
      'timeline-lane-{cloud="east", service="nova"}',
      'timeline-lane-{cloud="west", service="nova"}',
    ]);
  });

  it("follows the panel's data link for the lane clicked, filled with that lane's labels", () => {
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => {});
    const legend = '{{service}} ({{cloud}}/{{region}})';
    renderPanel(
      [
        promFrame({ service: 'nova', cloud: 'east', region: 'r1' }, legend, new Array(12).fill(1)),
        promFrame({ service: 'nova', cloud: 'west', region: 'r2' }, legend, new Array(12).fill(1)),
      ],
      {},
      {
        defaults: {
          links: [
            {
              title: 'Drill down',
              url: '/d/rally-service/x?var-cloud=${__field.labels.cloud}&var-region=${__field.labels.region}',
            },
          ],
        },
        overrides: [],
      }
    );
    fireEvent.click(cells('nova (west/r2)')[0]!);
    expect(push).toHaveBeenCalledWith('/d/rally-service/x?var-cloud=west&var-region=r2');
  });

  it('offers every data link in a menu when the panel has several', async () => {
    const push = jest.spyOn(locationService, 'push').mockImplementation(() => {});
    renderPanel(
      [promFrame({ service: 'nova', cloud: 'east', region: 'r1' }, '{{service}}', new Array(12).fill(1))],
      {},
      {
        defaults: {
          links: [
            {
              title: 'Open ${__field.labels.service}',
              url: '/a/rallymonitor-openstack-app/service/${__field.labels.service}',
            },
            { title: 'Drill down', url: '/d/rally-service/x?var-service=${__field.labels.service}' },
          ],
        },
        overrides: [],
      }
    );
    fireEvent.click(cells('nova')[0]!);
    expect(push).not.toHaveBeenCalled();
    const menu = await screen.findByRole('menu');
    expect(within(menu).getByRole('menuitem', { name: 'Open nova' })).toHaveAttribute(
      'href',
      '/a/rallymonitor-openstack-app/service/nova'
    );
    expect(within(menu).getByRole('menuitem', { name: 'Drill down' })).toHaveAttribute(
      'href',
      '/d/rally-service/x?var-service=nova'
    );
  });

  it("colours and names the states from the panel's value mappings", () => {
    renderPanel(
      [statusFrame('nova', [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1])],
      {},
      {
        defaults: {
          mappings: [{ type: MappingType.ValueToText, options: { '0': { text: 'Down', color: '#123456', index: 0 } } }],
        },
        overrides: [],
      }
    );
    expect(cells('nova').map((c) => c.getAttribute('fill'))).toEqual([
      createTheme().visualization.getColorByName('green'),
      '#123456',
      createTheme().visualization.getColorByName('green'),
    ]);
    fireEvent.mouseOver(cells('nova')[1]!, { clientX: 10, clientY: 10 });
    expect(screen.getByRole('tooltip')).toHaveTextContent('nova: Down');
  });

  it('offers data links, value mappings and a display name in the editor, the field options it honours', () => {
    for (const id of ['links', 'mappings', 'displayName']) {
      expect(plugin.fieldConfigRegistry.getIfExists(id)).toBeDefined();
    }
    // Units, thresholds and the like mean nothing for status codes.
    expect(plugin.fieldConfigRegistry.getIfExists('unit')).toBeUndefined();
  });

  it("shows a silence longer than the maximum interval as a gap from the end of the last sample's step", () => {
    // Samples every 5 minutes, then none for 20: with at most 10 minutes between samples, the silence is a gap.
    renderPanel(
      [
        statusFrame(
          'nova',
          [1, 1, 1, null, null, null, null, 1, 1, 1, 1, 1].map((v) => v)
        ),
      ].map(dropNullRows),
      {
        maxGapSeconds: 600,
      }
    );
    const states = cells('nova').map((c) => [c.dataset.state, Number(c.getAttribute('width')!.replace('%', ''))]);
    // 12 steps in range: pass for steps 0-2 (3 steps: 25%), a gap for 3-6 (4 steps), pass for 7-11.
    expect(states.map(([state]) => state)).toEqual(['pass', 'nodata', 'pass']);
    expect(states[0]![1]).toBeCloseTo(25);
    expect(states[1]![1]).toBeCloseTo((4 / 12) * 100);
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
