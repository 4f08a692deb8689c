// Reads an openrc file (RALLY_MONITOR_OPENRC) the way bash would assign its variables, without running it: only
// `export KEY=value` (or `KEY=value`) lines, comments and blank lines. Anything a shell would have to run (if, unset,
// read, echo, $expansions, `commands`) is refused with its line number, so a file that only works in an interactive
// shell (Horizon's asks for the password with `read`) fails at start instead of giving half its values.
// Errors name the line and the key, never a value: the file holds the password.

export class OpenrcError extends Error {
  constructor(
    readonly line: number,
    message: string
  ) {
    super(`line ${line}: ${message}`);
  }
}

const ASSIGNMENT = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)(=?)/;
/** Words a line of shell may start with, named in errors; anything else is not echoed (it may be a pasted secret). */
const SHELL_WORDS = ['if', 'then', 'fi', 'unset', 'read', 'echo', 'source', '.', 'set', 'printf', 'export'];

/**
 * One value as bash reads it after `=`: unquoted parts (a backslash escapes the next character), '...' (literal)
 * and "..." (a backslash escapes only $ ` " \, as in bash), joined; ends at unquoted whitespace or a `#` comment.
 */
function readValue(text: string, key: string, line: number): string {
  let value = '';
  let i = 0;
  const refuse = (why: string): never => {
    throw new OpenrcError(line, `${key}: ${why}`);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      const rest = text.slice(i).trim();
      if (rest === '' || rest.startsWith('#')) return value;
      refuse('the value has an unquoted space: quote it, or remove what follows it (one assignment a line)');
    }
    if (c === '$' || c === '`') {
      refuse('the value needs the shell ($ or `): the file is read, not run; write the value itself');
    }
    if (c === ';' || c === '|' || c === '&' || c === '<' || c === '>' || c === '(' || c === ')') {
      refuse(`the value has an unquoted ${c}: quote it (the file is read, not run)`);
    }
    if (c === '\\') {
      if (i + 1 >= text.length) refuse('the value ends with a backslash (values spanning lines are not read)');
      value += text[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) refuse('a quote is not closed on its line (values spanning lines are not read)');
      value += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) refuse('a quote is not closed on its line (values spanning lines are not read)');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && '$`"\\'.includes(text[i + 1]!)) {
          value += text[i + 1];
          i += 2;
        } else if (d === '$' || d === '`') {
          refuse('the value needs the shell ($ or `): the file is read, not run; write the value itself (or \\$)');
        } else {
          value += d;
          i += 1;
        }
      }
      i += 1;
    } else {
      value += c;
      i += 1;
    }
  }
  return value;
}

/**
 * The assignments of an openrc file; the last assignment of a key wins, as in the shell. `known` lists the keys it
 * may set: any other is refused (a misspelt key would otherwise be ignored in silence).
 */
export function parseOpenrc(text: string, known: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.replace(/\r$/, '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ASSIGNMENT.exec(trimmed);
    if (!match || !match[2]) {
      const word = trimmed.split(/[\s;]/)[0]!;
      const named = match?.[1] && /^[A-Z_][A-Z0-9_]*$/.test(match[1]) ? `${match[1]}: ` : '';
      const shell = SHELL_WORDS.includes(word) && !named ? ` (a shell command: ${word})` : '';
      throw new OpenrcError(
        line,
        `${named}not a KEY=value assignment${shell}; the file is read, never run: only \`export KEY=value\` lines and comments are understood`
      );
    }
    const key = match[1]!;
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key) || !known.includes(key)) {
      const shown = /^[A-Z_][A-Z0-9_]*$/.test(key) ? key : 'the key';
      throw new OpenrcError(line, `${shown} is not a variable the runner reads (it reads ${known.join(', ')})`);
    }
    values[key] = readValue(trimmed.slice(match[0].length), key, line);
  });
  return values;
}
