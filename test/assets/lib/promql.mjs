// Finds what PromQL expressions the assets use and which metric names they reference.
import { dashboards, readYaml, PROMETHEUS_RULES } from './repo.mjs';

const NON_METRIC_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'atan2',
]);

/** Metric names an expression selects (functions, keywords, labels, strings and Grafana variables excluded). */
export function metricNamesInPromQL(expr) {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  text = text.replace(/\{[^}]*\}/g, ' ');
  text = text.replace(/\[[^\]]*\]/g, ' ');
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  text = text.replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*|\[\[[^\]]*\]\]/g, ' ');
  const names = new Set();
  for (const match of text.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const before = text[match.index - 1];
    if (before && /[\w.]/.test(before)) continue; // part of a number such as 1e3 or of a duration
    const after = text.slice(match.index + match[0].length).trimStart();
    if (after.startsWith('(')) continue; // a function or an aggregation
    if (NON_METRIC_WORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** `label_values(selector, label)` -> { selector, label }; null for other variable queries. */
export function parseLabelValuesQuery(query) {
  const match = /^\s*label_values\(\s*(?:(.*),)?\s*([A-Za-z_]\w*)\s*\)\s*$/s.exec(query);
  return match ? { selector: match[1]?.trim() ?? '', label: match[2] } : null;
}

export function alertRules() {
  return readYaml(...PROMETHEUS_RULES).groups.flatMap((group) =>
    group.rules.map((rule) => ({ group: group.name, ...rule }))
  );
}

function panelsOf(panels = []) {
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels)]);
}
export function dashboardPanels(json) {
  return panelsOf(json.panels);
}
export function variableQuery(variable) {
  return typeof variable.query === 'string' ? variable.query : variable.query?.query;
}

/** Every PromQL expression of every dashboard: panel targets and label_values variable selectors. */
export function dashboardExpressions() {
  const found = [];
  for (const { file, json } of dashboards()) {
    for (const panel of dashboardPanels(json)) {
      for (const target of panel.targets ?? []) {
        if (target.expr) {
          found.push({
            where: `${file} panel "${panel.title}" ${target.refId}`,
            expr: target.expr,
            target,
            panel,
            file,
          });
        }
      }
    }
    for (const variable of json.templating?.list ?? []) {
      if (variable.type !== 'query') continue;
      const parsed = parseLabelValuesQuery(variableQuery(variable) ?? '');
      if (!parsed) {
        throw new Error(`${file} variable ${variable.name}: only label_values(selector, label) queries are supported`);
      }
      found.push({
        where: `${file} variable ${variable.name}`,
        expr: parsed.selector,
        variable,
        label: parsed.label,
        file,
      });
    }
  }
  return found;
}

/** Grafana variables in a text: $name, ${name}, ${name:format}, [[name]]. Built-ins start with two underscores. */
export function grafanaVariablesIn(text) {
  const names = new Set();
  for (const match of text.matchAll(
    /\$\{([A-Za-z_][\w.]*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::[^\]]*)?\]\]/g
  )) {
    names.add(match[1] ?? match[2] ?? match[3]);
  }
  return [...names];
}

/** The expression as Grafana would send it with every variable on "All" and the given range. */
export function expandGrafanaVariables(expr, { range = '1h', interval = '1m', rateInterval = '2m' } = {}) {
  return expr
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$__interval', interval)
    .replaceAll('$__range', range)
    .replace(/\$\{([A-Za-z_]\w*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)/g, '.*');
}

/** Label names an expression matches on, groups by or joins on. */
export function labelNamesInPromQL(expr) {
  const text = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  const names = new Set();
  for (const [, inside] of text.matchAll(/\{([^}]*)\}/g)) {
    for (const [, name] of inside.matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)) names.add(name);
  }
  for (const [, list] of text.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    for (const name of list
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)) {
      names.add(name);
    }
  }
  for (const [, , label] of text.matchAll(/\blabel_values\((.*),\s*([A-Za-z_]\w*)\s*\)/g)) names.add(label);
  names.delete('__name__');
  return [...names];
}
