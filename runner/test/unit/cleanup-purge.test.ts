import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AuditLog, type AuditEntry } from '../../src/cleanup/audit.js';
import { executePurge, parsePurgeRequest, planPurge, PurgeRequestError } from '../../src/cleanup/purge.js';
import type { ServiceScan } from '../../src/cleanup/report.js';
import type { KeystoneToken } from '../../src/openstack/keystone.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { SERVICE_NAMES, type ServiceName } from '../../src/services.js';
import { FAKE_CREDENTIALS, tempDir, testLeak } from '../helpers.js';

/** Every service scanned in full, except those named failed (with the types that could not be listed). */
function scans(failed: Partial<Record<ServiceName, string[]>> = {}): ServiceScan[] {
  return SERVICE_NAMES.map((service) => {
    const types = failed[service];
    return types
      ? {
          service,
          state: 'failed',
          error: types.map((t) => `${t}: HTTP 503`).join('; '),
          types: types.map((type) => ({ type, state: 'failed', count: 0 })),
        }
      : { service, state: 'ok', types: [] };
  });
}

describe('parsePurgeRequest', () => {
  it('defaults to a dry run of everything', () => {
    assert.deepEqual(parsePurgeRequest(undefined), { confirm: false, scope: {} });
    assert.deepEqual(parsePurgeRequest({}), { confirm: false, scope: {} });
  });

  it('includes unattributed leaks only when asked to, in so many words', () => {
    assert.deepEqual(parsePurgeRequest({ includeUnattributed: true }), {
      confirm: false,
      scope: { includeUnattributed: true },
    });
    assert.throws(() => parsePurgeRequest({ includeUnattributed: 'yes' }), /includeUnattributed/);
    assert.throws(() => parsePurgeRequest({ includeUnattributed: 1 }), /includeUnattributed/);
  });

  it('accepts a confirmed, scoped request', () => {
    assert.deepEqual(
      parsePurgeRequest({
        confirm: true,
        services: ['nova', 'neutron'],
        types: ['server', 'network'],
        runId: '20261122T001500Z-3fa2c1',
      }),
      {
        confirm: true,
        scope: { services: ['nova', 'neutron'], types: ['server', 'network'], runId: '20261122T001500Z-3fa2c1' },
      }
    );
  });

  it('refuses malformed scopes with the reason', () => {
    const cases: Array<[unknown, RegExp]> = [
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
      assert.throws(
        () => parsePurgeRequest(body),
        (error: Error) => error instanceof PurgeRequestError && message.test(error.message),
        JSON.stringify(body)
      );
    }
  });
});

describe('planPurge', () => {
  const leaks = [
    testLeak('keystone', 'project', 7200),
    testLeak('keystone', 'user', 7200),
    testLeak('neutron', 'network', 7200, '20261122T001500Z-3fa2c1'),
    testLeak('neutron', 'port', 7200),
    testLeak('neutron', 'router', 7200),
    testLeak('cinder', 'volume', 7200),
    testLeak('cinder', 'volume_snapshot', 7200),
    testLeak('nova', 'keypair', 7200),
    testLeak('nova', 'server', 7200),
    testLeak('neutron', 'subnet', 30),
  ];

  it('keeps what is younger than the minimum age out, and orders dependents first', () => {
    const plan = planPurge(leaks, {}, 3600, scans());
    assert.deepEqual(
      plan.tooYoung.map((l) => l.type),
      ['subnet']
    );
    const order = plan.candidates.map((l) => l.type);
    const before = (a: string, b: string) =>
      assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b} in ${order.join(',')}`);
    before('server', 'keypair');
    before('volume_snapshot', 'volume');
    before('router', 'port');
    before('port', 'network');
    before('user', 'project');
    before('server', 'volume');
    assert.equal(order.length, 9);
  });

  it('narrows by service, type and run', () => {
    assert.deepEqual(
      planPurge(leaks, { services: ['cinder'] }, 0, scans()).candidates.map((l) => l.type),
      ['volume_snapshot', 'volume']
    );
    assert.deepEqual(
      planPurge(leaks, { types: ['keypair', 'subnet'] }, 0, scans()).candidates.map((l) => l.type),
      ['keypair', 'subnet']
    );
    assert.deepEqual(
      planPurge(leaks, { runId: '20261122T001500Z-3fa2c1' }, 0, scans()).candidates.map((l) => l.type),
      ['network']
    );
    assert.deepEqual(planPurge(leaks, { services: ['nova'], types: ['volume'] }, 0, scans()).candidates, []);
  });
});

describe("planPurge: what is not proven to be Rally's", () => {
  const mine = testLeak('keystone', 'project', 7200, '20261122T001500Z-3fa2c1', 'run');
  const rallys = testLeak('neutron', 'network', 7200, null, 'rally-task');
  const unknown = {
    ...testLeak('keystone', 'user', 7200, null, 'unattributed'),
    name: 'c_rally_c0ffee42_Deployer',
    taskPrefix: 'c0ffee42',
  };
  const youngUnknown = { ...testLeak('glance', 'image', 10, null, 'unattributed'), taskPrefix: 'c0ffee42' };

  it('leaves unattributed leaks out unless the request includes them, and says why', () => {
    const plan = planPurge([mine, rallys, unknown, youngUnknown], {}, 3600, scans());
    assert.deepEqual(plan.candidates.map((l) => l.type).sort(), ['network', 'project']);
    assert.deepEqual(
      plan.leftOut.map((l) => [l.leak.id, l.reason]),
      [
        [unknown.id, 'unattributed'],
        [youngUnknown.id, 'unattributed'],
      ]
    );
    assert.match(plan.leftOut[0]!.detail, /c0ffee42.*includeUnattributed/);
    assert.deepEqual(plan.tooYoung, []);
  });

  it('includes them when asked, the minimum age still holding', () => {
    const plan = planPurge([mine, rallys, unknown, youngUnknown], { includeUnattributed: true }, 3600, scans());
    assert.deepEqual(plan.candidates.map((l) => l.id).sort(), [mine.id, rallys.id, unknown.id].sort());
    assert.deepEqual(
      plan.tooYoung.map((l) => l.id),
      [youngUnknown.id]
    );
    assert.deepEqual(plan.leftOut, []);
  });

  it('leaves a run-scoped purge to what the run is known to have made', () => {
    const appeared = testLeak('neutron', 'port', 7200, '20261122T001500Z-3fa2c1', 'unattributed');
    const plan = planPurge([mine, appeared], { runId: '20261122T001500Z-3fa2c1' }, 0, scans());
    assert.deepEqual(
      plan.candidates.map((l) => l.id),
      [mine.id]
    );
    assert.deepEqual(
      plan.leftOut.map((l) => l.reason),
      ['unattributed']
    );
  });
});

describe('planPurge: services that could not be scanned in full', () => {
  const project = testLeak('keystone', 'project', 7200);
  const user = testLeak('keystone', 'user', 7200);
  const network = testLeak('neutron', 'network', 7200);
  const volume = testLeak('cinder', 'volume', 7200);
  const image = testLeak('glance', 'image', 7200);
  const keypair = testLeak('nova', 'keypair', 7200);
  const all = [project, user, network, volume, image, keypair];

  it('plans nothing from a service whose listing failed in part (networks while ports are unknown)', () => {
    const plan = planPurge(all, {}, 0, scans({ neutron: ['port'] }));
    assert.ok(!plan.candidates.includes(network), 'no network while its ports are unknown');
    const left = plan.leftOut.find((l) => l.leak === network);
    assert.equal(left?.reason, 'scan-failed');
    assert.match(left!.detail, /neutron.*port/);
  });

  it('deletes no project or user while another service that may hold their resources could not be listed', () => {
    const plan = planPurge(all, {}, 0, scans({ nova: ['server'] }));
    for (const held of [project, user]) {
      const left = plan.leftOut.find((l) => l.leak === held);
      assert.equal(left?.reason, 'dependents-unknown', held.type);
      assert.match(left!.detail, /nova/);
    }
    assert.equal(plan.leftOut.find((l) => l.leak === keypair)?.reason, 'scan-failed');
    // Networks and volumes can be in use by servers Nova could not list; images by servers and volumes.
    for (const held of [network, volume, image]) {
      assert.equal(plan.leftOut.find((l) => l.leak === held)?.reason, 'dependents-unknown', held.type);
    }
    assert.deepEqual(plan.candidates, []);
  });

  it('still purges what no failed service can use', () => {
    const plan = planPurge(all, {}, 0, scans({ swift: ['container'] }));
    assert.deepEqual(plan.candidates.map((l) => l.type).sort(), ['image', 'keypair', 'network', 'volume']);
    assert.deepEqual(plan.leftOut.map((l) => [l.leak.type, l.reason]).sort(), [
      ['project', 'dependents-unknown'],
      ['user', 'dependents-unknown'],
    ]);
  });

  it('treats a service absent from the catalog as holding nothing', () => {
    const services = scans().map((s): ServiceScan =>
      s.service === 'cinder' ? { service: 'cinder', state: 'absent', types: [] } : s
    );
    assert.equal(planPurge(all, {}, 0, services).candidates.length, all.length);
  });
});

/** An audit log on a disk that fills up: the `failFrom`-th write and every one after it fail, as with ENOSPC. */
class FillingAuditLog extends AuditLog {
  writes = 0;
  failedAt: number | null = null;

  constructor(
    path: string,
    private readonly failFrom: number
  ) {
    super(path);
  }

  override append(entry: AuditEntry): Promise<void> {
    this.writes += 1;
    if (this.writes >= this.failFrom) {
      this.failedAt ??= Date.now();
      return Promise.reject(
        Object.assign(new Error(`ENOSPC: no space left on device, write '${this.path}'`), { code: 'ENOSPC' })
      );
    }
    return super.append(entry);
  }
}

describe('executePurge', () => {
  it('writes the intent before each DELETE and the outcome after, and stops deleting when the audit cannot be written', async () => {
    const deletes: Array<{ id: string; at: number }> = [];
    const server = createServer((request, response) => {
      if (request.method === 'DELETE') {
        deletes.push({ id: decodeURIComponent(request.url!.split('/').pop()!), at: Date.now() });
      }
      setTimeout(() => response.writeHead(204).end(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2.0`;
    const token = {
      value: 'tok',
      expiresAt: new Date(Date.now() + 3_600_000),
      catalog: [],
    } as unknown as KeystoneToken;
    const session = new OpenStackSession(FAKE_CREDENTIALS, { authenticate: async () => token, timeoutMs: 2000 });
    const audit = new FillingAuditLog(join(await tempDir(), 'audit.jsonl'), 6);
    const leaks = Array.from({ length: 12 }, (_, i) => ({
      ...testLeak('neutron', 'network', 7200),
      id: `net-${String(i).padStart(2, '0')}`,
    }));
    try {
      const purge = executePurge(
        {
          session,
          audit,
          trigger: 'api',
          secrets: [],
          contextOf: () => ({ session, base, token, shared: (_key, work) => work(), baseOf: async () => null }),
        },
        leaks
      );
      const outcome = await purge;
      const returnedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 300));

      assert.ok(audit.failedAt !== null, 'the audit log failed during the purge');
      assert.match(outcome.stopped ?? '', /audit log could not be written.*ENOSPC/);
      assert.deepEqual(
        deletes.filter((d) => d.at > returnedAt),
        [],
        'nothing was deleted after the purge returned'
      );
      assert.ok(deletes.length < leaks.length, `the purge stopped (${deletes.length} of ${leaks.length} deleted)`);
      // Every DELETE sent has its intent on disk, written before it.
      const written = (await audit.read()).reverse();
      const intents = written.filter((e) => e.outcome === 'deleting').map((e) => e.id);
      // No DELETE without its intent. An intent may stand without its DELETE: the purge can stop between the two
      // (another worker's audit write failed meanwhile), and an intent with no outcome reads as "may have been deleted".
      for (const d of deletes) {
        assert.ok(intents.includes(d.id), `DELETE of ${d.id} without an intent written before it`);
      }
      assert.ok(
        intents.length - deletes.length <= 2,
        `at most one intent per worker without its DELETE (${intents.length} intents, ${deletes.length} DELETEs)`
      );
      for (const id of written.filter((e) => e.outcome === 'deleted').map((e) => e.id)) {
        assert.ok(
          written.findIndex((e) => e.id === id && e.outcome === 'deleting') <
            written.findIndex((e) => e.id === id && e.outcome === 'deleted'),
          id
        );
      }
      // Results only for what was attempted; what was never attempted is not reported as deleted or failed.
      for (const r of outcome.results) {
        assert.ok(intents.includes(r.leak.id), `a result for ${r.leak.id}, which was never attempted`);
      }
    } finally {
      await session.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
