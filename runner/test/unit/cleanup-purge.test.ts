import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AuditLog, type AuditEntry } from '../../src/cleanup/audit.js';
import type { Leak } from '../../src/cleanup/leak.js';
import { executePurge, parsePurgeRequest, planPurge, PurgeRequestError } from '../../src/cleanup/purge.js';
import type { OpenStackCredentials } from '../../src/config.js';
import type { KeystoneToken } from '../../src/openstack/keystone.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import type { ServiceName } from '../../src/services.js';
import { tempDir } from '../helpers.js';

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

/** An audit log on a disk that fills up: the `failFrom`-th write and every one after it fail, as with ENOSPC. */
class FillingAuditLog extends AuditLog {
  writes = 0;
  failedAt: number | null = null;

  constructor(path: string, private readonly failFrom: number) {
    super(path);
  }

  override append(entry: AuditEntry): Promise<void> {
    this.writes += 1;
    if (this.writes >= this.failFrom) {
      this.failedAt ??= Date.now();
      return Promise.reject(Object.assign(new Error(`ENOSPC: no space left on device, write '${this.path}'`), { code: 'ENOSPC' }));
    }
    return super.append(entry);
  }
}

describe('executePurge', () => {
  it('writes the intent before each DELETE and the outcome after, and stops deleting when the audit cannot be written', async () => {
    const deletes: { id: string; at: number }[] = [];
    const server = createServer((request, response) => {
      if (request.method === 'DELETE') deletes.push({ id: decodeURIComponent(request.url!.split('/').pop()!), at: Date.now() });
      setTimeout(() => response.writeHead(204).end(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2.0`;
    const credentials: OpenStackCredentials = {
      authUrl: 'http://127.0.0.1:1/v3', username: 'u', password: 'p', projectName: 'p', userDomainName: 'Default',
      projectDomainName: 'Default', regionName: 'RegionOne', interface: 'public', insecure: false,
    };
    const token = { value: 'tok', expiresAt: new Date(Date.now() + 3_600_000), catalog: [] } as unknown as KeystoneToken;
    const session = new OpenStackSession(credentials, { authenticate: async () => token, timeoutMs: 2000 });
    const audit = new FillingAuditLog(join(await tempDir(), 'audit.jsonl'), 6);
    const leaks = Array.from({ length: 12 }, (_, i) => ({ ...leak('neutron', 'network', 7200), id: `net-${String(i).padStart(2, '0')}` }));
    try {
      const purge = executePurge({
        session, audit, trigger: 'api', secrets: [],
        contextOf: () => ({ session, base, token, shared: (_key, work) => work(), baseOf: async () => null }),
      }, leaks);
      const outcome = await purge;
      const returnedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 300));

      assert.ok(audit.failedAt !== null, 'the audit log failed during the purge');
      assert.match(outcome.stopped ?? '', /audit log could not be written.*ENOSPC/);
      assert.deepEqual(deletes.filter((d) => d.at > returnedAt), [], 'nothing was deleted after the purge returned');
      assert.ok(deletes.length < leaks.length, `the purge stopped (${deletes.length} of ${leaks.length} deleted)`);
      // Every DELETE sent has its intent on disk, written before it.
      const written = (await audit.read()).reverse();
      const intents = written.filter((e) => e.outcome === 'deleting').map((e) => e.id);
      assert.deepEqual(deletes.map((d) => d.id).sort(), [...intents].sort(), 'a DELETE for every intent, and none without');
      for (const id of written.filter((e) => e.outcome === 'deleted').map((e) => e.id)) {
        assert.ok(written.findIndex((e) => e.id === id && e.outcome === 'deleting') < written.findIndex((e) => e.id === id && e.outcome === 'deleted'), id);
      }
      // Results only for what was attempted; what was never attempted is not reported as deleted or failed.
      assert.deepEqual(outcome.results.map((r) => r.leak.id).sort(), [...intents].sort());
    } finally {
      await session.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
