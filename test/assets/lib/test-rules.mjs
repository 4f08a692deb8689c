// A copy of the alert rules with short evaluation intervals and `for` windows, so a test sees alerts fire in
// seconds. Expressions, labels and annotations stay exactly as shipped, unless `rangeWindow` is given: then every
// range selector (`[5m]`, not a subquery) becomes that window, so a rate-based alert also resolves in seconds.
// `groups` keeps only the named groups.
import { parse, stringify } from 'yaml';

export function rulesForTests(rulesText, { interval = '2s', forDuration = '4s', rangeWindow, groups } = {}) {
  const rules = parse(rulesText);
  if (groups) rules.groups = rules.groups.filter((group) => groups.includes(group.name));
  for (const group of rules.groups) {
    group.interval = interval;
    for (const rule of group.rules) {
      if (rule.for) rule.for = forDuration;
      if (rangeWindow) rule.expr = rule.expr.replace(/\[(\d+[smhdwy])\]/g, `[${rangeWindow}]`);
    }
  }
  return stringify(rules, { lineWidth: 0 });
}
