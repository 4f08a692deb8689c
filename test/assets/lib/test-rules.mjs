// A copy of the alert rules with short evaluation intervals and `for` windows, so a test sees alerts fire in
// seconds. Expressions, labels and annotations stay exactly as shipped.
import { parse, stringify } from 'yaml';

export function rulesForTests(rulesText, { interval = '2s', forDuration = '4s' } = {}) {
  const rules = parse(rulesText);
  for (const group of rules.groups) {
    group.interval = interval;
    for (const rule of group.rules) if (rule.for) rule.for = forDuration;
  }
  return stringify(rules, { lineWidth: 0 });
}
