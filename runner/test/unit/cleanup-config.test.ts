import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { authRequestBody } from '../../src/openstack/keystone.js';

const GOOD = {
  OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
  OS_USERNAME: 'admin',
  OS_PASSWORD: 'pw-very-secret',
  OS_PROJECT_NAME: 'admin',
};

function rejects(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => loadConfig({ ...GOOD, ...env }, '/nonexistent'),
    (error: Error) => error instanceof ConfigError && error.variable === variable,
    JSON.stringify(env)
  );
}

describe('cleanup settings', () => {
  it('default to a minimum age of one hour and a scan at minute 30 of every hour', () => {
    const config = loadConfig(GOOD, '/nonexistent');
    assert.deepEqual(config.cleanup, { minAgeSeconds: 3600, scheduleCron: '30 * * * *', refreshIntervalSeconds: 60 });
  });

  it('take a minimum age in seconds or with a unit', () => {
    const age = (value: string) =>
      loadConfig({ ...GOOD, RALLY_MONITOR_CLEANUP_MIN_AGE: value }, '/nonexistent').cleanup.minAgeSeconds;
    assert.equal(age('90'), 90);
    assert.equal(age('90s'), 90);
    assert.equal(age('30m'), 1800);
    assert.equal(age('2h'), 7200);
    assert.equal(age('1d'), 86400);
    assert.equal(age('0'), 0);
  });

  it('refuse a bad minimum age or schedule, naming the variable', () => {
    for (const value of ['-5', '1.5h', 'an hour', '1w', '31d', 'h']) {
      rejects({ RALLY_MONITOR_CLEANUP_MIN_AGE: value }, 'RALLY_MONITOR_CLEANUP_MIN_AGE');
    }
    rejects({ RALLY_MONITOR_CLEANUP_SCHEDULE: 'every hour' }, 'RALLY_MONITOR_CLEANUP_SCHEDULE');
    rejects({ RALLY_MONITOR_CLEANUP_SCHEDULE: '61 * * * *' }, 'RALLY_MONITOR_CLEANUP_SCHEDULE');
    assert.equal(
      loadConfig({ ...GOOD, RALLY_MONITOR_CLEANUP_SCHEDULE: '*/10 * * * *' }, '/nonexistent').cleanup.scheduleCron,
      '*/10 * * * *'
    );
  });

  it('take the refresh interval as a duration, 0 meaning every refresh may scan', () => {
    const interval = (value: string) =>
      loadConfig({ ...GOOD, RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL: value }, '/nonexistent').cleanup
        .refreshIntervalSeconds;
    assert.equal(interval('0'), 0);
    assert.equal(interval('5m'), 300);
    for (const value of ['-1', 'soon', '2d']) {
      rejects({ RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL: value }, 'RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL');
    }
  });
});

describe('application credentials', () => {
  it('are used for the token when both parts are set, and their secret is scrubbed like the password', () => {
    const config = loadConfig(
      { ...GOOD, OS_APPLICATION_CREDENTIAL_ID: 'ac-id', OS_APPLICATION_CREDENTIAL_SECRET: 'ac-secret-value' },
      '/nonexistent'
    );
    assert.deepEqual(authRequestBody(config.openstack), {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: 'ac-id', secret: 'ac-secret-value' },
        },
      },
    });
    assert.ok(secretsOf(config).includes('ac-secret-value'));
  });

  it('need both the id and the secret', () => {
    rejects({ OS_APPLICATION_CREDENTIAL_ID: 'ac-id' }, 'OS_APPLICATION_CREDENTIAL_SECRET');
    rejects({ OS_APPLICATION_CREDENTIAL_SECRET: 'ac-secret-value' }, 'OS_APPLICATION_CREDENTIAL_ID');
  });

  it('leave the project-scoped password in use otherwise', () => {
    const body = authRequestBody(loadConfig(GOOD, '/nonexistent').openstack) as {
      auth: { identity: { methods: string[] }; scope: unknown };
    };
    assert.deepEqual(body.auth.identity.methods, ['password']);
    assert.deepEqual(body.auth.scope, { project: { name: 'admin', domain: { name: 'Default' } } });
  });
});
