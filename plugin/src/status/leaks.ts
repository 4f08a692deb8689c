import type { Leak } from '../api/types';

export interface LeakFilter {
  service?: string;
  type?: string;
  /** Matched against name, id, project and run, case-insensitively. */
  text?: string;
}

export type LeakSortKey = 'age' | 'service' | 'type' | 'name' | 'project' | 'run';
export type SortDirection = 'asc' | 'desc';

export function filterLeaks(leaks: Leak[], filter: LeakFilter): Leak[] {
  const text = filter.text?.trim().toLowerCase();
  return leaks.filter(
    (l) =>
      (!filter.service || l.service === filter.service) &&
      (!filter.type || l.type === filter.type) &&
      (!text || [l.name, l.id, l.project ?? '', l.runId ?? ''].some((v) => v.toLowerCase().includes(text)))
  );
}

const VALUE: Record<LeakSortKey, (l: Leak) => string | number> = {
  age: (l) => l.ageSeconds,
  service: (l) => l.service,
  type: (l) => l.type,
  name: (l) => l.name,
  project: (l) => l.project ?? '',
  run: (l) => l.runId ?? '',
};

/** A sorted copy; ties keep the runner's order. */
export function sortLeaks(leaks: Leak[], key: LeakSortKey, direction: SortDirection): Leak[] {
  const value = VALUE[key];
  const sign = direction === 'asc' ? 1 : -1;
  return leaks
    .map((leak, index) => ({ leak, index }))
    .sort((a, b) => {
      const x = value(a.leak);
      const y = value(b.leak);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return order !== 0 ? sign * order : a.index - b.index;
    })
    .map((e) => e.leak);
}
