// Masks secrets in everything the runner stores, logs or serves. A secret is masked as a value, not as text: the
// same password reaches the runner's files raw (Rally's log), JSON-escaped (report.json, the runner's own log lines,
// Python's `json.dumps` writes non-ASCII as \uXXXX), JSON inside JSON (report.html embeds each task's config as a
// JSON string inside its JSON data), HTML/XML-escaped (report.html, junit.xml: `&quot;` or `&#34;`, `&lt;`, ...)
// and URL-encoded (a URL in a log line). Each character of a secret is matched in any of those forms, so a password
// made of `"`, `\`, `<`, `&`, `%` or non-ASCII characters is masked whichever writer escaped it, and however.
import { readFile, writeFile } from 'node:fs/promises';

const MASK = '***';
/** Shorter values would mask ordinary words everywhere (config.secretsOf keeps the same floor). */
const MIN_SECRET_LENGTH = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;
const JSON_SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function unicodeEscape(c: string): string {
  return [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
}

function json(c: string): string {
  return JSON_SHORT[c] ?? (c < ' ' ? unicodeEscape(c) : c);
}

/**
 * How each writer encodes one character. Every one of these works character by character, so a string's encoded
 * form is its characters' forms side by side. Hexadecimal digits are matched in either case (see anyCaseHex).
 */
const ENCODERS: Array<(c: string) => string> = [
  json, // JSON.stringify, pino's log lines
  (c) => (c === '/' ? '\\/' : json(c)), // JSON writers that escape '/'
  (c) => (c > '~' ? unicodeEscape(c) : json(c)), // Python's json.dumps (ensure_ascii)
  (c) => (`<>&'`.includes(c) || c > '~' ? unicodeEscape(c) : json(c)), // Jinja's tojson (htmlsafe_json_dumps)
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[c] ?? c, // Python's html.escape
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] ?? c, // markupsafe (Jinja)
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\n': '&#10;' })[c] ?? c, // XML attributes
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? (c > '~' ? `&#${c.codePointAt(0)};` : c), // XML text, ASCII output
  (c) => (c > '~' || `"'<>&`.includes(c) ? `&#x${c.codePointAt(0)!.toString(16)};` : c), // hexadecimal references
  (c) =>
    UNRESERVED.test(c)
      ? c
      : [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''), // URL
  (c) => (c === ' ' ? '+' : c), // form encoding
];

function encodeWith(encoder: (c: string) => string, text: string): string {
  return [...text].map(encoder).join('');
}

/** A regular expression source matching `form` with its hexadecimal digits in either case (`%c3`, `%C3`). */
function anyCaseHex(form: string): string {
  return [...form].map((c) => (/[a-f]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegExp(c))).join('');
}

/** One character of a secret in any form up to two writers deep (JSON inside HTML, JSON inside JSON, ...). */
function characterPattern(c: string): string {
  const once = new Set([c, ...ENCODERS.map((encoder) => encoder(c))]);
  const forms = new Set(once);
  for (const form of once) for (const encoder of ENCODERS) forms.add(encodeWith(encoder, form));
  if (forms.size === 1) return escapeRegExp(c);
  // Longest first: the whole escape is taken before its first character alone.
  const sources = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => (form === c ? escapeRegExp(c) : anyCaseHex(form)));
  return `(?:${sources.join('|')})`;
}

const patternCache = new Map<string, RegExp | null>();

function patternFor(secrets: readonly string[]): RegExp | null {
  const usable = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  const key = JSON.stringify(usable);
  if (patternCache.has(key)) return patternCache.get(key)!;
  const pattern =
    usable.length === 0
      ? null
      : new RegExp(usable.map((secret) => [...secret].map(characterPattern).join('')).join('|'), 'g');
  if (patternCache.size > 32) patternCache.clear();
  patternCache.set(key, pattern);
  return pattern;
}

/** Replaces every occurrence of each secret, in any of its encoded forms. Longest first, so a secret containing another is masked whole. */
export function redact(text: string, secrets: readonly string[]): string {
  const pattern = patternFor(secrets);
  return pattern ? text.replace(pattern, MASK) : text;
}

/** Masks every string inside a value (a record parsed from Rally's JSON holds the decoded values). */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (!patternFor(secrets)) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [redact(k, secrets), walk(item)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** Masks secrets inside a stored file (Rally copies its inputs into its reports). */
export async function redactFile(path: string, secrets: readonly string[]): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return;
  const cleaned = redact(text, secrets);
  if (cleaned !== text) await writeFile(path, cleaned);
}
