import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const repoPath = (...parts) => join(repoRoot, ...parts);
export const readText = (...parts) => readFileSync(repoPath(...parts), 'utf8');
export const readYaml = (...parts) => parse(readText(...parts));

export const PROMETHEUS_RULES = ['alerts', 'rally-monitor.rules.yml'];

/** dashboards/*.json, parsed, with their file names. */
export function dashboards() {
  return readdirSync(repoPath('dashboards'))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readText('dashboards', file)) }));
}
export const readJson = (...parts) => JSON.parse(readText(...parts));
