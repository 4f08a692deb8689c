import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Leak } from '../../src/cleanup/leak.js';
import { parsePurgeRequest, planPurge, PurgeRequestError } from '../../src/cleanup/purge.js';
import type { ServiceName } from '../../src/services.js';

function leak(service: ServiceName, type: string, ageSeconds: number, runId: string | null = null): Leak {
  return {
    service, type, id: `${type}-${ageSeconds}`, name: `s_rally_12345678_${type.slice(0, 8).padEnd(8, 'x')}`, project: null, userId: null,
    createdAt: null, firstSeenAt: '2026-11-22T00:00:00.000Z', ageSeconds, taskPrefix: '12345678', taskUuid: null, runId,
  };
}

describe('parsePurgeRequest', () => {
  it('defaults to a dry run of everything', () => {
    assert.deepEqual(parsePurgeRequest(undefined), { confirm: false, scope: {} });
    assert.deepEqual(parsePurgeRequest({}), { confirm: false, scope: {} });
  });

  it('accepts a confirmed, scoped request', () => {
    assert.deepEqual(
      parsePurgeRequest({ confirm: true, services: ['nova', 'neutron'], types: ['server', 'network'], runId: '20261122T001500Z-3fa2c1' }),
      { confirm: true, scope: { services: ['nova', 'neutron'], types: ['server', 'network'], runId: '20261122T001500Z-3fa2c1' } },
    );
  });

  it('refuses malformed scopes with the reason', () => {
    const cases: [unknown, RegExp][] = [
      [{ confirm: 'yes' }, /confirm/],
      [{ services: 'nova' }, /services/],
      [{ services: ['ironic'] }, /services/],
      [{ services: [] }, /services/],
      [{ types: ['volume', 'spaceship'] }, /types\.1 must be one of/],
      [{ runId: '../../etc' }, /runId must be a run id/],
      [{ everything: true }, /everything|unrecognized/i],
      [[1, 2], /body/],
      ['confirm', /body/],
    ];
    for (const [body, message] of cases) {
      assert.throws(() => parsePurgeRequest(body), (error: Error) => error instanceof PurgeRequestError && message.test(error.message), JSON.stringify(body));
    }
  });
});

describe('planPurge', () => {
  const leaks = [
    leak('keystone', 'project', 7200), leak('keystone', 'user', 7200), leak('neutron', 'network', 7200, '20261122T001500Z-3fa2c1'),
    leak('neutron', 'port', 7200), leak('neutron', 'router', 7200), leak('cinder', 'volume', 7200), leak('cinder', 'volume_snapshot', 7200),
    leak('nova', 'keypair', 7200), leak('nova', 'server', 7200), leak('neutron', 'subnet', 30),
  ];

  it('keeps what is younger than the minimum age out, and orders dependents first', () => {
    const plan = planPurge(leaks, {}, 3600);
    assert.deepEqual(plan.tooYoung.map((l) => l.type), ['subnet']);
    const order = plan.candidates.map((l) => l.type);
    const before = (a: string, b: string) => assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b} in ${order.join(',')}`);
    before('server', 'keypair');
    before('volume_snapshot', 'volume');
    before('router', 'port');
    before('port', 'network');
    before('user', 'project');
    before('server', 'volume');
    assert.equal(order.length, 9);
  });

  it('narrows by service, type and run', () => {
    assert.deepEqual(planPurge(leaks, { services: ['cinder'] }, 0).candidates.map((l) => l.type), ['volume_snapshot', 'volume']);
    assert.deepEqual(planPurge(leaks, { types: ['keypair', 'subnet'] }, 0).candidates.map((l) => l.type), ['keypair', 'subnet']);
    assert.deepEqual(planPurge(leaks, { runId: '20261122T001500Z-3fa2c1' }, 0).candidates.map((l) => l.type), ['network']);
    assert.deepEqual(planPurge(leaks, { services: ['nova'], types: ['volume'] }, 0).candidates, []);
  });
});
