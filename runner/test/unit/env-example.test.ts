// .env.example lists every variable the runner reads, with its default, for `docker compose` and for
// `docker run --env-file .env`: a variable added to config.ts and not to .env.example (or the other way round)
// fails here, and so does a default that is not the runner's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { parseEnvFile, type EnvFileEntry } from '../support/env-file.js';
import { REPO_DIR, RUNNER_DIR, tempDir } from '../helpers.js';

const REQUIRED = {
  OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
  OS_USERNAME: 'monitor',
  OS_PASSWORD: 'pw-very-secret',
  OS_PROJECT_NAME: 'monitoring',
};

/** Not settings: HOME only says where ~/.config/openstack/clouds.yaml is, as for every OpenStack client. */
const NOT_SETTINGS = new Set(['HOME']);

/** The variables loadConfig reads, recorded through a Proxy over the environment, along every path that reads some. */
async function variablesRead(): Promise<Set<string>> {
  const read = new Set<string>();
  const recording = (env: Record<string, string | undefined>) =>
    new Proxy(env, {
      get(target, key) {
        if (typeof key !== 'string') return undefined;
        read.add(key);
        return target[key];
      },
    });
  const dir = await tempDir();
  await writeFile(
    join(dir, 'clouds.yaml'),
    'clouds:\n  c:\n    auth: {auth_url: "http://127.0.0.1:5000", username: u, password: p-secret, project_name: p}\n'
  );
  const { OS_PROJECT_NAME: _, ...withoutProject } = REQUIRED;
  for (const env of [
    REQUIRED,
    { ...withoutProject, OS_PROJECT_ID: 'p-id' },
    { OS_CLOUD: 'c' },
    { OS_CLOUD: 'c', OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') },
  ] as Array<Record<string, string>>) {
    loadConfig(recording(env), dir);
  }
  // And what the source names, in case a path above missed a read.
  const source = readFileSync(join(RUNNER_DIR, 'src', 'config.ts'), 'utf8');
  for (const [, name] of source.matchAll(/['"]((?:OS|RALLY)_[A-Z0-9_]*[A-Z0-9]|EXPORTER_PORT|LOG_LEVEL)['"]/g)) {
    read.add(name!);
  }
  for (const [, name] of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) read.add(name!);
  for (const name of NOT_SETTINGS) read.delete(name);
  return read;
}

const ENV_EXAMPLE = join(REPO_DIR, '.env.example');
const entries = (): EnvFileEntry[] => parseEnvFile(readFileSync(ENV_EXAMPLE, 'utf8'));
/** The runner's part of .env.example: everything before the compose-only section. */
const runnerEntries = () => entries().filter((e) => e.section !== 'compose');

describe('.env.example', () => {
  it('lists exactly the variables the runner reads', async () => {
    const read = await variablesRead();
    const listed = new Set(runnerEntries().map((e) => e.key));
    assert.deepEqual(
      [...read].filter((name) => !listed.has(name)).sort(),
      [],
      'read by config.ts, missing in .env.example'
    );
    assert.deepEqual(
      [...listed].filter((name) => !read.has(name)).sort(),
      [],
      'in .env.example, never read by config.ts'
    );
    assert.ok(listed.has('RALLY_MONITOR_PROFILE_NOVA') && listed.has('OS_PROJECT_ID'));
  });

  it('lists each variable once, and its compose-only variables are not runner variables', async () => {
    const keys = entries().map((e) => e.key);
    assert.deepEqual(
      keys.filter((key, index) => keys.indexOf(key) !== index),
      []
    );
    const read = await variablesRead();
    const composeOnly = entries().filter((e) => e.section === 'compose');
    assert.ok(composeOnly.some((e) => e.key === 'GRAFANA_ADMIN_PASSWORD'));
    for (const entry of composeOnly) assert.ok(!read.has(entry.key), `${entry.key} is read by the runner`);
  });

  it('gives every value literally, as both docker run --env-file and compose read it (no quotes, no inline comment)', () => {
    for (const { key, value } of entries()) {
      assert.doesNotMatch(value, /["']|\s#/, `${key}: docker run --env-file would keep quotes and # in the value`);
      assert.equal(value, value.trim(), `${key}: no surrounding spaces`);
    }
  });

  it("states the runner's defaults: a value given, or one its comment names, changes nothing", () => {
    const base = loadConfig(REQUIRED, '/nonexistent');
    for (const { key, value, defaultValue } of runnerEntries()) {
      if (key in REQUIRED) {
        assert.equal(value, '', `${key} is the user's to fill in`);
        continue;
      }
      for (const stated of [value, defaultValue].filter((v): v is string => Boolean(v))) {
        assert.deepEqual(
          loadConfig({ ...REQUIRED, [key]: stated }, '/nonexistent'),
          base,
          `${key}=${stated} is not the runner's default`
        );
      }
      // An empty line is the same as no line: .env.example may be copied whole.
      assert.deepEqual(
        loadConfig({ ...REQUIRED, [key]: '' }, '/nonexistent'),
        base,
        `${key}= (empty) changes the config`
      );
    }
  });

  it('leaves the OS_* variables empty, so an openrc file or a clouds.yaml cloud can give them', () => {
    for (const { key, value } of runnerEntries().filter((e) => e.key.startsWith('OS_'))) {
      assert.equal(value, '', `${key}: a value set here wins over RALLY_MONITOR_OPENRC and OS_CLOUD`);
    }
  });
});
