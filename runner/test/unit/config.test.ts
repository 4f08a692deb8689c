import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, intervalToCron, loadConfig, secretsOf } from '../../src/config.js';
import { tempDir } from '../helpers.js';

const GOOD = {
  OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
  OS_USERNAME: 'admin',
  OS_PASSWORD: 'pw-very-secret',
  OS_PROJECT_NAME: 'admin',
};

function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...GOOD, ...env }, '/nonexistent');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(GOOD, '/nonexistent');
    assert.equal(config.openstack.userDomainName, 'Default');
    assert.equal(config.openstack.projectDomainName, 'Default');
    assert.equal(config.openstack.regionName, 'RegionOne');
    assert.equal(config.schedule.cron, '0 * * * *');
    assert.equal(config.retentionDays, 7);
    assert.equal(config.novaFlavor, 'm1.tiny');
    assert.equal(config.exporterPort, 9101);
    assert.equal(config.services, null);
    assert.equal(config.cloudLabel, 'default');
    assert.equal(config.regionLabel, 'RegionOne');
    assert.equal(config.apiToken, null);
    assert.deepEqual(secretsOf(config), ['pw-very-secret']);
    assert.equal(config.externalNetwork, null);
    // rally-jobs' convention (rally-openstack rally-jobs/nova.yaml): a CirrOS disk image, or Fuel's TestVM.
    assert.deepEqual(config.novaImage, {
      text: '/^(cirros.*-disk|TestVM)$/',
      pattern: /^(cirros.*-disk|TestVM)$/u,
      isDefault: true,
    });
    assert.equal(config.novaResizeFlavor, null);
    assert.equal(config.rallyDebug, false);
    assert.deepEqual(new Set(Object.values(config.profiles)), new Set(['light']));
    assert.equal(Object.keys(config.profiles).length, 7);
    assert.deepEqual(config.regressions, {
      factor: 1.5,
      spreads: 3,
      minDeltaSeconds: 0.25,
      cycles: 3,
      minSamples: 12,
      windowDays: 7,
    });
  });

  it('reads the slow-down settings, judging over the retention window', () => {
    const config = loadConfig(
      {
        ...GOOD,
        RALLY_MONITOR_REGRESSION_FACTOR: '2.5',
        RALLY_MONITOR_REGRESSION_SPREADS: '0',
        RALLY_MONITOR_REGRESSION_MIN_DELTA: '0.05',
        RALLY_MONITOR_REGRESSION_CYCLES: '1',
        RALLY_MONITOR_REGRESSION_MIN_SAMPLES: '3',
        RALLY_RESULTS_RETENTION_DAYS: '2',
      },
      '/nonexistent'
    );
    assert.deepEqual(config.regressions, {
      factor: 2.5,
      spreads: 0,
      minDeltaSeconds: 0.05,
      cycles: 1,
      minSamples: 3,
      windowDays: 2,
    });
  });

  it('takes an image name, or a regular expression between slashes (braces and quotes allowed there)', () => {
    const named = loadConfig({ ...GOOD, RALLY_NOVA_IMAGE: 'cirros' }, '/nonexistent').novaImage;
    assert.deepEqual(named, { text: 'cirros', pattern: null, isDefault: false });
    const pattern = loadConfig(
      { ...GOOD, RALLY_NOVA_IMAGE: '/^cirros-0\\.[0-9]{1,2}"?-disk$/' },
      '/nonexistent'
    ).novaImage;
    assert.equal(pattern.isDefault, false);
    assert.ok(pattern.pattern?.test('cirros-0.6"-disk'));
    assert.ok(!pattern.pattern?.test('cirros-0.6-disk.old'));
    const config = loadConfig(
      { ...GOOD, RALLY_NOVA_RESIZE_FLAVOR: 'm1.small', RALLY_MONITOR_RALLY_DEBUG: 'true' },
      '/nonexistent'
    );
    assert.equal(config.novaResizeFlavor, 'm1.small');
    assert.equal(config.rallyDebug, true);
  });

  it('takes one profile for all services and overrides it per service', () => {
    const config = loadConfig(
      {
        ...GOOD,
        RALLY_MONITOR_PROFILE: 'Heavy',
        RALLY_MONITOR_PROFILE_SWIFT: 'light',
        RALLY_EXTERNAL_NETWORK: 'public net',
      },
      '/nonexistent'
    );
    assert.equal(config.profiles.nova, 'heavy');
    assert.equal(config.profiles.keystone, 'heavy');
    assert.equal(config.profiles.swift, 'light');
    assert.equal(config.externalNetwork, 'public net');
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['OS_AUTH_URL', { OS_AUTH_URL: 'not a url' }, /http\(s\) URL/],
    ['OS_AUTH_URL', { OS_AUTH_URL: '' }, /is required/],
    ['OS_USERNAME', { OS_USERNAME: '' }, /is required/],
    ['OS_PASSWORD', { OS_PASSWORD: '' }, /is required/],
    ['OS_PROJECT_NAME', { OS_PROJECT_NAME: '' }, /is required/],
    ['OS_INTERFACE', { OS_INTERFACE: 'sideways' }, /public, internal or admin/],
    ['OS_CACERT', { OS_CACERT: '/nonexistent/ca.pem' }, /file not found/],
    ['OS_INSECURE', { OS_INSECURE: 'maybe' }, /true or false/],
    ['RALLY_SCHEDULE_INTERVAL', { RALLY_SCHEDULE_INTERVAL: 'abc' }, /whole number/],
    ['RALLY_SCHEDULE_INTERVAL', { RALLY_SCHEDULE_INTERVAL: '0' }, /whole number from 1/],
    ['RALLY_SCHEDULE_INTERVAL', { RALLY_SCHEDULE_INTERVAL: '7' }, /does not divide/],
    ['RALLY_SCHEDULE', { RALLY_SCHEDULE: '61 * * * *' }, /not a valid cron/],
    ['RALLY_RESULTS_RETENTION_DAYS', { RALLY_RESULTS_RETENTION_DAYS: '-1' }, /whole number/],
    ['EXPORTER_PORT', { EXPORTER_PORT: '70000' }, /to 65535/],
    ['RALLY_MONITOR_SERVICES', { RALLY_MONITOR_SERVICES: 'keystone,heat' }, /unknown service "heat"/],
    ['RALLY_MONITOR_CLOUD', { RALLY_MONITOR_CLOUD: 'my cloud' }, /letters, digits/],
    ['RALLY_MONITOR_REGION', { RALLY_MONITOR_REGION: 'x'.repeat(65) }, /1-64/],
    ['RALLY_MONITOR_API_TOKEN', { RALLY_MONITOR_API_TOKEN: 'short' }, /at least 16/],
    ['RALLY_MONITOR_PROTECT_READS', { RALLY_MONITOR_PROTECT_READS: 'true' }, /RALLY_MONITOR_API_TOKEN is not set/],
    ['RALLY_MONITOR_RUN_TIMEOUT', { RALLY_MONITOR_RUN_TIMEOUT: '5' }, /from 10/],
    ['RALLY_MONITOR_ITERATIONS', { RALLY_MONITOR_ITERATIONS: '1.5' }, /whole number/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /must be one of/],
    ['RALLY_MONITOR_REGRESSION_FACTOR', { RALLY_MONITOR_REGRESSION_FACTOR: '1' }, /number above 1 and at most 100/],
    ['RALLY_MONITOR_REGRESSION_FACTOR', { RALLY_MONITOR_REGRESSION_FACTOR: 'fast' }, /number above 1/],
    ['RALLY_MONITOR_REGRESSION_SPREADS', { RALLY_MONITOR_REGRESSION_SPREADS: '-1' }, /number from 0 to 100/],
    ['RALLY_MONITOR_REGRESSION_SPREADS', { RALLY_MONITOR_REGRESSION_SPREADS: 'Infinity' }, /number from 0 to 100/],
    ['RALLY_MONITOR_REGRESSION_MIN_DELTA', { RALLY_MONITOR_REGRESSION_MIN_DELTA: '1e3' }, /number from 0 to 3600/],
    ['RALLY_MONITOR_REGRESSION_CYCLES', { RALLY_MONITOR_REGRESSION_CYCLES: '0' }, /whole number from 1/],
    ['RALLY_MONITOR_REGRESSION_MIN_SAMPLES', { RALLY_MONITOR_REGRESSION_MIN_SAMPLES: '2' }, /whole number from 3/],
    ['RALLY_MONITOR_PROFILE', { RALLY_MONITOR_PROFILE: 'medium' }, /must be one of light, heavy/],
    [
      'RALLY_MONITOR_PROFILE_NOVA',
      { RALLY_MONITOR_PROFILE_NOVA: 'huge' },
      /must be one of light, heavy \(got "huge"\)/,
    ],
    ['RALLY_EXTERNAL_NETWORK', { RALLY_EXTERNAL_NETWORK: 'pub"lic' }, /without quotes, braces/],
    ['RALLY_NOVA_IMAGE', { RALLY_NOVA_IMAGE: '{{ x }}' }, /without quotes, braces/],
    ['RALLY_NOVA_FLAVOR', { RALLY_NOVA_FLAVOR: 'm1\ntiny' }, /control characters/],
    ['RALLY_NOVA_IMAGE', { RALLY_NOVA_IMAGE: '/^cirros(-disk$/' }, /not a valid regular expression/],
    ['RALLY_NOVA_IMAGE', { RALLY_NOVA_IMAGE: '/^cirros\n$/' }, /control characters/],
    ['RALLY_NOVA_RESIZE_FLAVOR', { RALLY_NOVA_RESIZE_FLAVOR: 'm1"small' }, /without quotes, braces/],
    ['RALLY_NOVA_RESIZE_FLAVOR', { RALLY_NOVA_RESIZE_FLAVOR: 'm1.tiny' }, /must differ from RALLY_NOVA_FLAVOR/],
    ['RALLY_MONITOR_RALLY_DEBUG', { RALLY_MONITOR_RALLY_DEBUG: 'maybe' }, /true or false/],
    [
      'OS_CLOUD',
      { OS_CLOUD: 'nowhere', OS_CLIENT_CONFIG_FILE: '/nonexistent/clouds.yaml' },
      /no clouds.yaml was found/,
    ],
  ];
  for (const [variable, env, message] of bad) {
    it(`rejects a bad ${variable} with one line naming it (${JSON.stringify(Object.values(env)[0])})`, () => {
      const error = errorFor(env);
      assert.equal(error.variable, variable);
      assert.ok(error.message.startsWith(`${variable}: `));
      assert.match(error.message, message);
      assert.ok(!error.message.includes('\n'));
    });
  }

  it('never echoes the password in an error', () => {
    const error = errorFor({ OS_AUTH_URL: 'pw-very-secret' });
    assert.equal(error.variable, 'OS_AUTH_URL');
    const other = errorFor({ RALLY_MONITOR_API_TOKEN: 'short' });
    assert.ok(!other.message.includes('pw-very-secret'));
  });

  it('turns intervals into cron expressions that fire on fixed marks', () => {
    assert.equal(intervalToCron(5), '*/5 * * * *');
    assert.equal(intervalToCron(60), '0 * * * *');
    assert.equal(intervalToCron(180), '0 */3 * * *');
    assert.throws(() => intervalToCron(90), ConfigError);
  });

  it('prefers RALLY_SCHEDULE over the interval', () => {
    const config = loadConfig(
      { ...GOOD, RALLY_SCHEDULE: '15 */2 * * *', RALLY_SCHEDULE_INTERVAL: '5' },
      '/nonexistent'
    );
    assert.deepEqual(config.schedule, { cron: '15 */2 * * *', source: 'RALLY_SCHEDULE' });
  });

  it('translates a clouds.yaml cloud for Rally, with environment values winning', async () => {
    const dir = await tempDir();
    const file = join(dir, 'clouds.yaml');
    await writeFile(
      file,
      `clouds:
  prod:
    auth:
      auth_url: https://keystone.example.org:5000/v3
      username: monitor
      password: from-yaml-secret
      project_name: monitoring
      user_domain_name: Users
      project_domain_name: Projects
    region_name: RegionTwo
    interface: internal
    verify: false
`
    );
    const config = loadConfig({ OS_CLOUD: 'prod', OS_CLIENT_CONFIG_FILE: file, OS_USERNAME: 'override' }, dir);
    assert.deepEqual(config.openstack, {
      authUrl: 'https://keystone.example.org:5000/v3',
      username: 'override',
      password: 'from-yaml-secret',
      projectName: 'monitoring',
      userDomainName: 'Users',
      projectDomainName: 'Projects',
      regionName: 'RegionTwo',
      interface: 'internal',
      insecure: true,
    });
    assert.throws(
      () => loadConfig({ OS_CLOUD: 'staging', OS_CLIENT_CONFIG_FILE: file }, dir),
      /cloud "staging" is not in .* \(it has: prod\)/
    );
  });

  it('finds clouds.yaml in the working directory when no file is named', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'clouds.yaml'),
      'clouds:\n  here:\n    auth: {auth_url: "http://127.0.0.1:5000", username: u, password: p-secret, project_name: p}\n'
    );
    const config = loadConfig({ OS_CLOUD: 'here', HOME: dir }, dir);
    assert.equal(config.openstack.authUrl, 'http://127.0.0.1:5000');
  });
});
