// A password made of every character some writer escapes, and the forms each writer the runner's output passes
// through gives it. Each form is produced here the way that writer produces it (independently of src/redact.ts),
// so a test can say which form of a secret leaked where.

/** `"` `\` `<` `&` (JSON, HTML and XML escape them), `%` `/` (URL encoding), `ü` (non-ASCII: \u00fc, %C3%BC, &#252;). */
export const SPECIAL_PASSWORD = 'p"a\\ss<w&rd%/ü';

const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');

/** The writers, each as the text it would put in a file for the value. */
export const WRITERS: Record<string, (value: string) => string> = {
  raw: (v) => v,
  // JSON.stringify: the runner's records, pino's log lines.
  json: (v) => JSON.stringify(v).slice(1, -1),
  // Python's json.dumps (ensure_ascii=True): Rally's report.json.
  'python json': (v) =>
    JSON.stringify(v)
      .slice(1, -1)
      .replace(/[\u007f-\uffff]/g, (c) => `\\u${hex4(c)}`),
  // A JSON string inside a JSON document: report.html embeds each task config that way.
  'json in json': (v) => JSON.stringify(JSON.stringify(v).slice(1, -1)).slice(1, -1),
  // Jinja's tojson (htmlsafe_json_dumps): <, >, &, ' as \u00XX.
  'jinja tojson': (v) =>
    JSON.stringify(v)
      .slice(1, -1)
      .replace(/[<>&'\u007f-\uffff]/g, (c) => `\\u${hex4(c)}`),
  // markupsafe.escape (Jinja autoescape): report.html.
  markupsafe: (v) =>
    v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  // Python's html.escape.
  'html.escape': (v) =>
    v
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#x27;'),
  // XML text and attributes as ElementTree writes them (junit.xml), ASCII output as character references.
  'xml text': (v) =>
    v
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\u007f-\uffff]/g, (c) => `&#${c.charCodeAt(0)};`),
  'xml attribute': (v) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  // URL encodings: encodeURIComponent, Python's quote (leaves '/'), lower-case hex.
  'url component': (v) => encodeURIComponent(v),
  'python quote': (v) => encodeURIComponent(v).replace(/%2F/g, '/'),
  'url lower-case': (v) => encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  // JSON of HTML-escaped text (an HTML error page quoted in a JSON error) and the reverse.
  'json of html': (v) =>
    JSON.stringify(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')).slice(1, -1),
  'html of json': (v) =>
    JSON.stringify(v).slice(1, -1).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&#34;'),
};

/** The names of the writers whose form of `secret` occurs in `text`. */
export function leakedForms(text: string, secret: string): string[] {
  return Object.entries(WRITERS)
    .filter(([, write]) => text.includes(write(secret)))
    .map(([name]) => name);
}
