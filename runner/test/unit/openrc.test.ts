// RALLY_MONITOR_OPENRC: an openrc file of `export KEY=value` lines is read (never run by a shell); the environment
// wins over it, it wins over clouds.yaml, and no error about it ever shows a value.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parseOpenrc } from '../../src/openrc.js';
import { leakedForms, SPECIAL_PASSWORD } from '../support/secret-forms.js';
import { tempDir } from '../helpers.js';

const KNOWN = ['OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_ID', 'OS_REGION_NAME'];

async function openrcFile(text: string): Promise<string> {
  const file = join(await tempDir(), 'monitor-openrc.sh');
  await writeFile(file, text);
  return file;
}

function openrcError(text: string): ConfigError {
  try {
    parseOpenrc(text, KNOWN);
  } catch (error) {
    assert.ok(error instanceof Error, String(error));
    return error as ConfigError;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseOpenrc', () => {
  it('reads export lines and plain assignments, quoted or not, with comments, blank lines and CRLF', () => {
    const values = parseOpenrc(
      [
        '#!/usr/bin/env bash',
        '# the monitoring account',
        '',
        'export OS_AUTH_URL=https://keystone.example.org:5000/v3',
        '  export OS_USERNAME="mon itor"   # a comment after the value',
        "export OS_PASSWORD='it''s $not expanded'",
        'OS_PROJECT_ID=5e6baffe348448a6b37ddbbed7def0ec # trailing comment',
        'export OS_REGION_NAME=""\r',
      ].join('\n'),
      KNOWN
    );
    assert.deepEqual(values, {
      OS_AUTH_URL: 'https://keystone.example.org:5000/v3',
      OS_USERNAME: 'mon itor',
      OS_PASSWORD: 'its $not expanded',
      OS_PROJECT_ID: '5e6baffe348448a6b37ddbbed7def0ec',
      OS_REGION_NAME: '',
    });
  });

  it('takes double-quoted escapes as bash does (\\" \\\\ \\$ \\`), and any other backslash literally', () => {
    const line = 'export OS_PASSWORD="a\\"b\\\\c\\$d\\`e\\\'f"';
    assert.equal(parseOpenrc(line, KNOWN).OS_PASSWORD, 'a"b\\c$d`e\\\'f');
    assert.equal(parseOpenrc(String.raw`export OS_PASSWORD=a\ b\#c`, KNOWN).OS_PASSWORD, 'a b#c');
  });

  it('takes the last of two assignments to a key, as the shell does', () => {
    assert.equal(parseOpenrc('OS_USERNAME=a\nexport OS_USERNAME=b\n', KNOWN).OS_USERNAME, 'b');
  });

  const refusals: Array<[string, string, RegExp]> = [
    ['a shell command', 'export OS_USERNAME=u\nif [ -z "$OS_REGION_NAME" ]; then unset OS_REGION_NAME; fi', /line 2/],
    ['a key the runner does not read', 'export OS_USERNAME=u\nexport OS_TOKEN=abc', /line 2: OS_TOKEN/],
    ['an expansion', `export OS_PASSWORD="$OS_PASSWORD_INPUT"`, /line 1: OS_PASSWORD: .*\$/],
    ['a command substitution', 'export OS_PASSWORD=`pass show cloud`', /line 1: OS_PASSWORD/],
    ['an unterminated quote', `export OS_PASSWORD="${SPECIAL_PASSWORD}`, /line 1: OS_PASSWORD: .*quote/],
    ['an unquoted space', `export OS_PASSWORD=${SPECIAL_PASSWORD.slice(0, 3)} ${SPECIAL_PASSWORD.slice(3)}`, /line 1/],
    ['export without a value', 'export OS_PASSWORD', /line 1: OS_PASSWORD/],
    ['a lower-case or odd key', 'export os_password=x', /line 1/],
  ];
  for (const [what, text, expected] of refusals) {
    it(`refuses ${what} with the line number, showing no value`, () => {
      const error = openrcError(text);
      assert.match(error.message, expected);
      assert.deepEqual(leakedForms(error.message, SPECIAL_PASSWORD), []);
      for (const value of ['pass show', 'OS_PASSWORD_INPUT', 'abc', '-z', SPECIAL_PASSWORD.slice(3)]) {
        assert.ok(!error.message.includes(value), `${error.message} shows ${value}`);
      }
    });
  }
});

describe('RALLY_MONITOR_OPENRC', () => {
  const file = (password = SPECIAL_PASSWORD) =>
    openrcFile(
      [
        'export OS_AUTH_URL=http://127.0.0.1:5000/v3',
        'export OS_USERNAME=monitor',
        `export OS_PASSWORD='${password}'`,
        'export OS_PROJECT_ID="5e6baffe348448a6b37ddbbed7def0ec"',
        'export OS_USER_DOMAIN_ID=58919a3823e94770989eb67e158f11f5',
        'export OS_IDENTITY_API_VERSION=3',
        'export OS_REGION_NAME=RegionTwo',
      ].join('\n')
    );

  it('gives the credentials of an openrc file', async () => {
    const { openstack } = loadConfig({ RALLY_MONITOR_OPENRC: await file() }, '/nonexistent');
    assert.equal(openstack.password, SPECIAL_PASSWORD);
    assert.equal(openstack.projectId, '5e6baffe348448a6b37ddbbed7def0ec');
    assert.equal(openstack.userDomainId, '58919a3823e94770989eb67e158f11f5');
    assert.equal(openstack.regionName, 'RegionTwo');
  });

  it('lets variables set in the environment win over the file (an empty one does not count)', async () => {
    const { openstack } = loadConfig(
      { RALLY_MONITOR_OPENRC: await file(), OS_REGION_NAME: 'RegionOne', OS_USERNAME: '' },
      '/nonexistent'
    );
    assert.equal(openstack.regionName, 'RegionOne');
    assert.equal(openstack.username, 'monitor');
  });

  it('wins over a clouds.yaml cloud', async () => {
    const dir = await tempDir();
    const clouds = join(dir, 'clouds.yaml');
    await writeFile(
      clouds,
      'clouds:\n  c:\n    region_name: FromYaml\n    auth: {auth_url: "http://127.0.0.1:1", username: y, password: y-secret, project_name: y}\n'
    );
    const { openstack } = loadConfig(
      { RALLY_MONITOR_OPENRC: await file(), OS_CLOUD: 'c', OS_CLIENT_CONFIG_FILE: clouds },
      dir
    );
    assert.equal(openstack.regionName, 'RegionTwo');
    assert.equal(openstack.username, 'monitor');
    assert.equal(openstack.projectName, 'y', 'what the file leaves unset still comes from clouds.yaml');
  });

  it('checks what the file sets as it checks the environment (OS_IDENTITY_API_VERSION=2 is refused)', async () => {
    const path = await openrcFile(`export OS_IDENTITY_API_VERSION=2\nexport OS_PASSWORD='${SPECIAL_PASSWORD}'\n`);
    const env = { OS_AUTH_URL: 'http://127.0.0.1:5000/v3', OS_USERNAME: 'u', OS_PROJECT_NAME: 'p' };
    assert.throws(
      () => loadConfig({ ...env, RALLY_MONITOR_OPENRC: path }, '/nonexistent'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === 'OS_IDENTITY_API_VERSION' &&
        leakedForms(error.message, SPECIAL_PASSWORD).length === 0
    );
    assert.throws(
      () => loadConfig({ ...env, RALLY_MONITOR_OPENRC: '' }, '/nonexistent'),
      (error: unknown) => error instanceof ConfigError && error.variable === 'OS_PASSWORD',
      'an empty RALLY_MONITOR_OPENRC reads no file'
    );
  });

  it('refuses a file it cannot read or understand, naming the path and the line, never a value', async () => {
    const missing = join(await tempDir(), 'nope');
    assert.throws(
      () => loadConfig({ RALLY_MONITOR_OPENRC: missing }, '/nonexistent'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === 'RALLY_MONITOR_OPENRC' &&
        error.message.includes(missing) &&
        /ENOENT|not found/.test(error.message)
    );
    const bad = await openrcFile(`export OS_USERNAME=u\nexport OS_PASSWORD="${SPECIAL_PASSWORD}\n`);
    assert.throws(
      () => loadConfig({ RALLY_MONITOR_OPENRC: bad }, '/nonexistent'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === 'RALLY_MONITOR_OPENRC' &&
        error.message.includes(`${bad} line 2`) &&
        leakedForms(error.message, SPECIAL_PASSWORD).length === 0
    );
  });
});
