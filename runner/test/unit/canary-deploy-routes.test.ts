// POST /api/canary/deploy, GET /api/canary/status, POST /api/canary/destroy through the runner's own server and
// guards, against the loopback stand-in cloud.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { CanaryDeployer } from '../../src/canary/deploy/deploy.js';
import { canarySettings } from '../../src/canary/deploy/settings.js';
import { buildServer } from '../../src/http/server.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { FAKE_CREDENTIALS } from '../helpers.js';
import { API_TOKEN, monitorFixture } from '../support/monitor-fixture.js';
import { OpenStackStandin, STANDIN_FLAVOR, STANDIN_IMAGE } from '../support/openstack-standin.js';

const CANARY_ENV = {
  RALLY_MONITOR_CANARY_IMAGE: STANDIN_IMAGE.name,
  RALLY_MONITOR_CANARY_FLAVOR: STANDIN_FLAVOR.name,
  RALLY_MONITOR_CANARY_NETWORK: 'none',
  RALLY_MONITOR_CANARY_DISCOVERY_URL: 'http://127.0.0.1:9101/api/canary/peers',
  RALLY_MONITOR_CANARY_AGENT_IMAGE: 'rally-monitor-canary:test',
  RALLY_MONITOR_CANARY_BOOT_TIMEOUT: '5',
};

describe('canary deploy routes', () => {
  const standin = new OpenStackStandin();
  let session: OpenStackSession;
  let env: Record<string, string> = CANARY_ENV;
  let app: ReturnType<typeof buildServer>;
  const auth = { authorization: `Bearer ${API_TOKEN}` };

  before(async () => {
    await standin.start();
    session = new OpenStackSession(FAKE_CREDENTIALS, { authenticate: standin.token, backoffMs: 1, timeoutMs: 2000 });
    const fixture = await monitorFixture();
    await fixture.app.close();
    app = buildServer({
      monitor: fixture.monitor,
      metrics: fixture.metrics,
      logger: pino({ level: 'silent' }),
      apiToken: API_TOKEN,
      protectReads: false,
      canaryDeployer: (purpose) =>
        new CanaryDeployer({
          dataDir: fixture.dataDir,
          session,
          settings: canarySettings(env, fixture.config, purpose),
          pollMs: 5,
        }),
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await session.close();
    await standin.stop();
  });

  it('deploy and destroy need the write token', async () => {
    for (const url of ['/api/canary/deploy', '/api/canary/destroy']) {
      const none = await app.inject({ method: 'POST', url });
      assert.equal(none.statusCode, 401, url);
      const wrong = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer nope-nope-nope-nope' } });
      assert.equal(wrong.statusCode, 401, url);
    }
    assert.equal(standin.servers.size, 0);
  });

  it('rejects a malformed body with 400 and creates nothing', async () => {
    for (const payload of [{ perAz: 0 }, { perAz: 2.5 }, { perAz: '2' }, { perAz: 99 }, { zones: ['a'] }]) {
      const response = await app.inject({ method: 'POST', url: '/api/canary/deploy', headers: auth, payload });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json().code, 'bad_request');
    }
    const destroy = await app.inject({
      method: 'POST',
      url: '/api/canary/destroy',
      headers: auth,
      payload: { all: 1 },
    });
    assert.equal(destroy.statusCode, 400);
    assert.equal(standin.servers.size, 0);
  });

  it('answers 403 naming the variable when canaries are not configured', async () => {
    env = { ...CANARY_ENV, RALLY_MONITOR_CANARY_AGENT_IMAGE: '' };
    try {
      const response = await app.inject({ method: 'POST', url: '/api/canary/deploy', headers: auth });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().code, 'disabled');
      assert.match(response.json().error, /RALLY_MONITOR_CANARY_AGENT_IMAGE/);
    } finally {
      env = CANARY_ENV;
    }
  });

  it('deploys, reports status, and destroys', async () => {
    const deploy = await app.inject({
      method: 'POST',
      url: '/api/canary/deploy',
      headers: auth,
      payload: { perAz: 1 },
    });
    assert.equal(deploy.statusCode, 200, deploy.body);
    const outcome = deploy.json();
    assert.deepEqual(outcome.zones, ['az-1', 'az-2', 'az-3']);
    assert.equal(outcome.canaries.length, 3);
    assert.equal(standin.servers.size, 3);

    const status = await app.inject({ method: 'GET', url: '/api/canary/status' });
    assert.equal(status.statusCode, 200);
    const report = status.json();
    assert.equal(report.canaries.length, 3);
    for (const canary of report.canaries) {
      assert.equal(canary.serverStatus, 'ACTIVE');
      assert.deepEqual(canary.agent, { answers: false, httpStatus: null, error: 'no address to probe yet' });
    }

    const destroy = await app.inject({ method: 'POST', url: '/api/canary/destroy', headers: auth });
    assert.equal(destroy.statusCode, 200, destroy.body);
    assert.equal(destroy.json().deleted.length, 3);
    assert.equal(standin.servers.size, 0);
    assert.equal(standin.groups.size, 0);
  });

  it('a cloud that refuses is a 502 naming the cause', async () => {
    env = { ...CANARY_ENV, RALLY_MONITOR_CANARY_IMAGE: 'missing-image' };
    try {
      const response = await app.inject({ method: 'POST', url: '/api/canary/deploy', headers: auth });
      assert.equal(response.statusCode, 502);
      assert.equal(response.json().code, 'cloud_error');
      assert.match(response.json().error, /image "missing-image" not found/);
    } finally {
      env = CANARY_ENV;
    }
  });

  it('a second deploy while one runs is a 409', async () => {
    const first = app.inject({ method: 'POST', url: '/api/canary/deploy', headers: auth });
    await new Promise((resolve) => setImmediate(resolve));
    const second = await app.inject({ method: 'POST', url: '/api/canary/destroy', headers: auth });
    assert.equal(second.statusCode, 409);
    assert.equal((await first).statusCode, 200);
    await app.inject({ method: 'POST', url: '/api/canary/destroy', headers: auth });
  });
});
