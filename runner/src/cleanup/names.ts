// Recognises the names Rally generates for the resources it creates (openstack/rally rally/common/utils.py,
// RandomNameGeneratorMixin.generate_random_name and name_matches_pattern): a fixed prefix, a task part, a
// separator, and 8 random ASCII letters or digits (RESOURCE_NAME_ALLOWED_CHARACTERS). The task part is
// `task_id.replace("-", "")[0:8]` of the task (or workload) uuid, and Rally's uuids are uuid4 strings
// (rally.common.db.models: `default=UUID`), so it is always 8 lowercase hex digits. Rally falls back to a random
// part seeded with the task id only for ids that are too short or hold other characters, which uuids never do.
// Checking for hex is what keeps people's own names (`rally_frontend_database`, `c_rally_staging1_webnode1`) out.
// Only a full match counts, so near misses such as `rally-prod` or `my_s_rally_x` are never taken for Rally's.

/** Rally's formats, longest prefix first so `rally_verify_` is not read as `rally_` with a task part "verify_x". */
const FORMATS: ReadonlyArray<{ prefix: string; separator: string }> = [
  { prefix: 'rally_verify_', separator: '_' },
  { prefix: 's_rally_', separator: '_' },
  { prefix: 'c_rally_', separator: '_' },
  { prefix: 's-rally-', separator: '-' },
  { prefix: 'rally_', separator: '_' },
];

/** The start of a task uuid: lowercase hex (see above). */
const TASK_PART = '[0-9a-f]{8}';
const RANDOM_PART = '[A-Za-z0-9]{8}';

const PATTERNS = FORMATS.map(({ prefix, separator }) => ({
  prefix,
  pattern: new RegExp(
    `^${prefix.replace(/[-_]/g, (c) => `\\${c}`)}(${TASK_PART})${separator === '-' ? '\\-' : '_'}(${RANDOM_PART})$`
  ),
}));

export interface RallyName {
  prefix: string;
  /** The first 8 characters of the owning task's (or workload's) uuid without dashes: 8 lowercase hex digits. */
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
