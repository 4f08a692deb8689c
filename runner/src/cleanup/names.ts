// Recognises the names Rally generates for the resources it creates (rally.common.utils.RandomNameGeneratorMixin):
// a fixed prefix, a task part (the first 8 characters of the task uuid without dashes), a separator, and 8 random
// letters or digits. Only a full match counts, so near misses such as `rally-prod` or `my_s_rally_x` are never
// taken for Rally's and never touched.

/** Rally's formats, longest prefix first so `rally_verify_` is not read as `rally_` with a task part "verify_x". */
const FORMATS: readonly { prefix: string; separator: string }[] = [
  { prefix: 'rally_verify_', separator: '_' },
  { prefix: 's_rally_', separator: '_' },
  { prefix: 'c_rally_', separator: '_' },
  { prefix: 's-rally-', separator: '-' },
  { prefix: 'rally_', separator: '_' },
];

const PART = '[A-Za-z0-9]{8}';

const PATTERNS = FORMATS.map(({ prefix, separator }) => ({
  prefix,
  pattern: new RegExp(`^${prefix.replace(/[-_]/g, (c) => `\\${c}`)}(${PART})${separator === '-' ? '\\-' : '_'}(${PART})$`),
}));

export interface RallyName {
  prefix: string;
  /** The first 8 characters of the owning task's uuid without dashes (a seeded random string for odd task ids). */
  taskPrefix: string;
}

export function parseRallyName(name: string | null | undefined): RallyName | null {
  if (!name) return null;
  for (const { prefix, pattern } of PATTERNS) {
    const match = pattern.exec(name);
    if (match) return { prefix, taskPrefix: match[1]! };
  }
  return null;
}

/** The task part Rally derives from a task uuid, for matching a leak to the task (and so the run) that made it. */
export function taskPrefixOf(taskUuid: string): string {
  return taskUuid.replace(/-/g, '').slice(0, 8);
}
