import { FieldConfigProperty, PanelPlugin } from '@grafana/data';

import { defaultOptions, StatusTimelineOptions } from './options';
import { StatusTimelinePanel } from './StatusTimelinePanel';

export const plugin = new PanelPlugin<StatusTimelineOptions>(StatusTimelinePanel)
  // The field options the panel honours: its lane names (display name), what a click opens (data links), and a
  // state's text and colour (value mappings). The rest of the standard options mean nothing for status codes.
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Links]: {},
      [FieldConfigProperty.Mappings]: {},
      [FieldConfigProperty.DisplayName]: {},
    },
    disableStandardOptions: [
      FieldConfigProperty.Unit,
      FieldConfigProperty.Min,
      FieldConfigProperty.Max,
      FieldConfigProperty.FieldMinMax,
      FieldConfigProperty.Decimals,
      FieldConfigProperty.NoValue,
      FieldConfigProperty.Thresholds,
      FieldConfigProperty.Color,
      FieldConfigProperty.Actions,
      FieldConfigProperty.Filterable,
    ],
  })
  .setPanelOptions((builder) =>
    builder
      .addColorPicker({
        path: 'passColor',
        name: 'Pass colour',
        defaultValue: defaultOptions.passColor,
        category: ['Colours'],
      })
      .addColorPicker({
        path: 'failColor',
        name: 'Fail colour',
        defaultValue: defaultOptions.failColor,
        category: ['Colours'],
      })
      .addColorPicker({
        path: 'errorColor',
        name: 'Error colour',
        description: 'The monitor could not test (-1)',
        defaultValue: defaultOptions.errorColor,
        category: ['Colours'],
      })
      .addColorPicker({
        path: 'maintenanceColor',
        name: 'Maintenance colour',
        description: 'The service was in a maintenance window (2), e.g. from 2 * (rally_service_maintenance == 1)',
        defaultValue: defaultOptions.maintenanceColor,
        category: ['Colours'],
      })
      .addBooleanSwitch({
        path: 'showUptime',
        name: 'Show uptime per lane',
        description: 'Pass time over pass + fail time; error and maintenance time are excluded and shown apart',
        defaultValue: defaultOptions.showUptime,
      })
      .addBooleanSwitch({ path: 'showLegend', name: 'Show legend', defaultValue: defaultOptions.showLegend })
      .addRadio({
        path: 'gapStyle',
        name: 'Gaps (no data)',
        description: 'No data is never drawn as pass',
        defaultValue: defaultOptions.gapStyle,
        settings: {
          options: [
            { value: 'hatched', label: 'Hatched' },
            { value: 'empty', label: 'Empty' },
          ],
        },
      })
      .addNumberInput({
        path: 'maxGapSeconds',
        name: 'Maximum interval between samples (s)',
        description:
          'Samples further apart are not joined: the earlier one covers one step of the series and the rest of the ' +
          "silence is a gap. 0: twice the series' step (the query interval)",
        defaultValue: defaultOptions.maxGapSeconds,
        settings: { min: 0, integer: true },
      })
  );
