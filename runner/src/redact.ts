import { readFile, writeFile } from 'node:fs/promises';

const MASK = '***';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every occurrence of each secret. Longest first, so a secret containing another is masked whole. */
export function redact(text: string, secrets: readonly string[]): string {
  const usable = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (usable.length === 0) return text;
  return text.replace(new RegExp(usable.map(escapeRegExp).join('|'), 'g'), MASK);
}

/** Masks secrets inside a stored file (Rally copies its inputs into its reports). */
export async function redactFile(path: string, secrets: readonly string[]): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return;
  const cleaned = redact(text, secrets);
  if (cleaned !== text) await writeFile(path, cleaned);
}
