import {
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  FieldConfigPropertyItem,
  FieldType,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardFieldConfigEditorRegistry,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  ThresholdsMode,
  valueMappingsOverrideProcessor,
} from '@grafana/data';

const NoEditor = () => null;

/**
 * Grafana core fills @grafana/data's standard field config registry at startup (grafana/grafana
 * public/app/core/components/OptionsUI/registry.tsx, getAllStandardFieldConfigs); a plugin's tests must do it
 * themselves. The same ids, paths, processors and rules, without the editors (no options UI here).
 */
export function registerStandardFieldConfigs() {
  const item = (
    id: string,
    process: FieldConfigPropertyItem['process'],
    extra: Partial<FieldConfigPropertyItem> = {}
  ): FieldConfigPropertyItem => ({
    id,
    path: id,
    name: id,
    editor: NoEditor,
    override: NoEditor,
    process,
    shouldApply: () => true,
    ...extra,
  });
  const numeric = { shouldApply: (field: { type: FieldType }) => field.type === FieldType.number };
  standardFieldConfigEditorRegistry.setInit(() => [
    item('unit', stringOverrideProcessor),
    item('min', numberOverrideProcessor, numeric),
    item('max', numberOverrideProcessor, numeric),
    item('decimals', numberOverrideProcessor, numeric),
    item('displayName', displayNameOverrideProcessor),
    item('color', identityOverrideProcessor),
    item('noValue', stringOverrideProcessor),
    item('links', dataLinksOverrideProcessor),
    item('mappings', valueMappingsOverrideProcessor, {
      defaultValue: [],
      shouldApply: (field) => field.type !== FieldType.time,
    }),
    item('thresholds', thresholdsOverrideProcessor, {
      defaultValue: {
        mode: ThresholdsMode.Absolute,
        steps: [
          { value: -Infinity, color: 'green' },
          { value: 80, color: 'red' },
        ],
      },
    }),
  ]);
}

interface DataContextVars {
  __dataContext?: { value?: { field?: { name?: string; labels?: Record<string, string> }; frame?: { name?: string } } };
}

/**
 * What Grafana's template service does with a data link's field macros (grafana/grafana
 * public/app/features/templating/dataMacros.ts: `${__field.labels.x}`, `${__field.name}` and `${__series.name}` read
 * from the `__dataContext` scoped variable that getLinksSupplier passes). Other variables are left as they are.
 */
export function replaceFieldMacros(text: string, scopedVars?: unknown): string {
  const context = (scopedVars as DataContextVars | undefined)?.__dataContext?.value;
  return text.replace(
    /\$\{(__field\.labels\.(\w+)|__field\.name|__series\.name)\}/g,
    (whole, path: string, label?: string) => {
      const value =
        label !== undefined
          ? context?.field?.labels?.[label]
          : path === '__field.name'
            ? context?.field?.name
            : context?.frame?.name;
      return value === undefined ? whole : encodeURIComponent(value);
    }
  );
}
