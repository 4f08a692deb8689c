// GET /api/cleanup?refresh=true: concurrent refreshes share the one scan in flight, a refresh soon after a scan is
// answered from that scan, and plain reads never queue a scan behind others.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { pino } from 'pino';
import type { ResourceKind } from '../../src/cleanup/kind.js';
import { CleanupMonitor } from '../../src/cleanup/monitor.js';
import type { CleanupReport } from '../../src/cleanup/report.js';
import { registerCleanupRoutes } from '../../src/cleanup/routes.js';
import type { KeystoneToken } from '../../src/openstack/keystone.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { FAKE_CREDENTIALS, tempDir } from '../helpers.js';

type Answer = CleanupReport & { refresh?: string };

async function setUp(refreshIntervalSeconds: number) {
  let listings = 0;
  // A listing that takes a while, like a real one: long enough for requests to pile up behind it.
  const slowKind: ResourceKind = {
    service: 'keystone',
    type: 'project',
    stage: 0,
    async list() {
      listings += 1;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return [
        {
          id: `p${listings}`,
          name: `s_rally_1234abcd_AbCd${String(listings).padStart(4, '0')}`,
          project: null,
          userId: null,
          createdAt: null,
        },
      ];
    },
    async remove() {},
  };
  const token = {
    value: 'tok',
    expiresAt: new Date(Date.now() + 3_600_000),
    catalog: [
      {
        type: 'identity',
        name: 'keystone',
        endpoints: [{ interface: 'public', region: 'RegionOne', url: 'http://127.0.0.1:1/v3' }],
      },
    ],
  } as unknown as KeystoneToken;
  const session = new OpenStackSession(FAKE_CREDENTIALS, { authenticate: async () => token });
  // Built apart from the call, so the settings may carry what this version of the monitor knows about.
  const settings = { minAgeSeconds: 0, scheduleCron: '0 0 1 1 *', refreshIntervalSeconds };
  const monitor = await CleanupMonitor.open({
    session,
    settings,
    dir: await tempDir(),
    logger: pino({ level: 'silent' }),
    secrets: [],
    kinds: [slowKind],
  });
  const app = Fastify();
  registerCleanupRoutes(app as never, { cleanup: monitor, readGuard: async () => {}, writeGuard: async () => {} });
  const get = async (url: string) => (await app.inject({ method: 'GET', url })).json() as Answer;
  return { monitor, app, get, listings: () => listings };
}

describe('cleanup refresh', () => {
  it('runs one scan for many concurrent refreshes, and says which request started it and which joined it', async () => {
    const { monitor, app, get, listings } = await setUp(0);
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => get('/api/cleanup?refresh=true')));
      assert.equal(listings(), 1, 'one scan for twenty concurrent refreshes');
      assert.equal(new Set(answers.map((a) => a.scannedAt)).size, 1, 'every request got that scan');
      assert.equal(answers.filter((a) => a.refresh === 'started').length, 1);
      assert.equal(answers.filter((a) => a.refresh === 'coalesced').length, 19);
      // A plain read does not queue a scan, even while one runs: it answers from the latest completed scan.
      const refreshing = get('/api/cleanup?refresh=true');
      const plain = await Promise.all(Array.from({ length: 10 }, () => get('/api/cleanup')));
      assert.equal((await refreshing).refresh, 'started');
      assert.equal(listings(), 2);
      for (const answer of plain) {
        assert.equal(answer.scannedAt, answers[0]!.scannedAt, 'the latest completed scan');
        assert.equal('refresh' in answer, false);
      }
    } finally {
      await monitor.stop();
      await app.close();
    }
  });

  it('before the first scan, concurrent plain reads wait for one scan between them', async () => {
    const { monitor, app, get, listings } = await setUp(0);
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => get('/api/cleanup')));
      assert.equal(listings(), 1);
      assert.equal(new Set(answers.map((a) => a.scannedAt)).size, 1);
    } finally {
      await monitor.stop();
      await app.close();
    }
  });

  it('answers a refresh within the minimum interval from the latest scan, without scanning', async () => {
    const { monitor, app, get, listings } = await setUp(60);
    try {
      const first = await get('/api/cleanup?refresh=true');
      assert.equal(first.refresh, 'started');
      for (let i = 0; i < 5; i += 1) {
        const again = await get('/api/cleanup?refresh=true');
        assert.equal(again.refresh, 'rate-limited');
        assert.equal(again.scannedAt, first.scannedAt);
      }
      assert.equal(listings(), 1);
    } finally {
      await monitor.stop();
      await app.close();
    }
  });
});
