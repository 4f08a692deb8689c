// An env file as `docker run --env-file` reads it (docker/cli opts/file.go, parseKeyValueFile): leading whitespace
// trimmed, `#` lines and blank lines skipped, `KEY=value` taken literally (no quote removal, no inline comments,
// trailing whitespace kept), a bare `KEY` taken from the caller's environment when set there. Also the layout
// .env.example follows: a comment block above each variable, "Default: `x`" in it, and a compose-only section.

export interface EnvFileEntry {
  key: string;
  value: string;
  line: number;
  /** `compose` after the line `# --- compose only ---`: variables docker-compose.yaml reads, not the runner. */
  section: 'runner' | 'compose';
  /** What the comment block above the line states as the default ("Default: `x`"), if anything. */
  defaultValue?: string;
  comment: string;
}

export const COMPOSE_SECTION = '# --- compose only ---';

export function parseEnvFile(text: string): EnvFileEntry[] {
  const entries: EnvFileEntry[] = [];
  let section: EnvFileEntry['section'] = 'runner';
  let comment: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.replace(/^\s+/, '');
      if (line === COMPOSE_SECTION) {
        section = 'compose';
        comment = [];
        return;
      }
      if (line === '') {
        comment = [];
        return;
      }
      if (line.startsWith('#')) {
        comment.push(line.replace(/^#\s?/, ''));
        return;
      }
      const equals = line.indexOf('=');
      const key = equals < 0 ? line : line.slice(0, equals);
      if (key === '' || /\s/.test(key)) throw new Error(`env file line ${index + 1}: invalid variable name`);
      const text = comment.join(' ');
      const stated = [...text.matchAll(/Default: `([^`]*)`/g)].at(-1)?.[1];
      entries.push({
        key,
        value: equals < 0 ? '' : line.slice(equals + 1),
        line: index + 1,
        section,
        comment: text,
        ...(stated !== undefined ? { defaultValue: stated } : {}),
      });
      comment = [];
    });
  return entries;
}

/** The environment a container gets from `--env-file`: each entry, a bare KEY only when the caller's env has it. */
export function dockerEnvFile(text: string, callerEnv: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    const trimmed = line.replace(/^\s+/, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    if (equals >= 0) env[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
    else if (callerEnv[trimmed] !== undefined) env[trimmed] = callerEnv[trimmed]!;
  }
  return env;
}
