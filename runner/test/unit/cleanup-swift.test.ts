// Purging a Swift container whose object names hold `.` and `..` segments, against a stand-in for Swift's proxy on
// loopback that reads paths the way the real one does: eventlet's WSGI server percent-decodes the raw path into
// PATH_INFO without resolving dot segments (eventlet/wsgi.py), and the proxy splits it with
// split_path(path, 1, 4, rest_with_last=True) (openstack/swift swift/proxy/server.py get_controller,
// swift/common/utils.py split_path), so everything after the container, slashes and dots included, is the object
// name. The real Swift is in test/integration/cleanup.test.ts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { KindContext } from '../../src/cleanup/kind.js';
import { swiftKinds } from '../../src/cleanup/kinds/swift.js';
import type { KeystoneToken } from '../../src/openstack/keystone.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { FAKE_CREDENTIALS } from '../helpers.js';

const ACCOUNT = 'AUTH_0123456789abcdef';
const RALLY = 's_rally_1234abcd_AbCdEfGh';
const container = swiftKinds.find((kind) => kind.type === 'container')!;

/** Containers of one account, each a set of object names, served the way Swift's proxy reads paths. */
class FakeSwift {
  readonly containers = new Map<string, Set<string>>();
  readonly requests: Array<{ method: string; container: string | null; object: string | null }> = [];
  server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url!, 'http://swift');
      // eventlet: PATH_INFO = unquote(raw path); Swift: split_path(path, 1, 4, True).
      const segments = decodeURIComponent(request.url!.split('?')[0]!).split('/');
      const [, version, account, name = null] = segments;
      const object = segments.length > 4 ? segments.slice(4).join('/') : null;
      this.requests.push({ method: request.method!, container: name, object });
      const send = (status: number, body?: unknown) => {
        response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
        response.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (version !== 'v1' || account !== ACCOUNT) return send(412);
      if (name === null || name === '') return send(405); // account operations: never ours
      const objects = this.containers.get(name);
      if (!objects) return send(404);
      if (request.method === 'GET' && object === null) {
        const marker = url.searchParams.get('marker') ?? '';
        const limit = Number(url.searchParams.get('limit') ?? 10000);
        return send(
          200,
          [...objects]
            .sort()
            .filter((o) => o > marker)
            .slice(0, limit)
            .map((o) => ({ name: o, bytes: 1 }))
        );
      }
      if (request.method === 'DELETE' && (object === null || object === '')) {
        if (objects.size > 0) return send(409);
        this.containers.delete(name);
        return send(204);
      }
      if (request.method === 'DELETE' && object !== null) return send(objects.delete(object) ? 204 : 404);
      return send(405);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/${ACCOUNT}`;
  }
}

/** Fails when `work` has not settled within `ms`: the old purge looped forever. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>(
      (_resolve, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms))
    ),
  ]);
}

describe('Swift container purge', () => {
  const swift = new FakeSwift();
  let session: OpenStackSession;
  let ctx: KindContext;

  before(async () => {
    await swift.start();
    const token: KeystoneToken = {
      value: 'tok',
      expiresAt: new Date(Date.now() + 3_600_000),
      catalog: [],
      projectId: '0123456789abcdef',
    } as KeystoneToken;
    session = new OpenStackSession(FAKE_CREDENTIALS, {
      authenticate: async () => token,
      backoffMs: 5,
      timeoutMs: 2000,
    });
    ctx = { session, base: swift.base, token, shared: (_key, work) => work(), baseOf: async () => null };
  });
  after(async () => {
    await session.close();
    await new Promise<void>((resolve) => swift.server.close(() => resolve()));
  });

  it('deletes objects named with dot segments inside their container only, and never touches another container', async () => {
    swift.containers.set(
      RALLY,
      new Set(['../prod-backups/db.dump', './x', 'a/../b', 'a/./b', '...', '.hidden', 'dir/'])
    );
    swift.containers.set('prod-backups', new Set(['db.dump']));
    swift.containers.set(`${RALLY}-victim`, new Set(['x']));
    swift.requests.length = 0;
    const item = { id: RALLY, name: RALLY, project: null, userId: null, createdAt: null };
    await within(5000, container.remove(ctx, item, { deadline: Date.now() + 3000 }));
    assert.equal(swift.containers.has(RALLY), false, 'the Rally container is gone');
    assert.deepEqual(
      [...swift.containers.get('prod-backups')!],
      ['db.dump'],
      'the victim in another container survives'
    );
    assert.deepEqual([...swift.containers.get(`${RALLY}-victim`)!], ['x']);
    assert.deepEqual(
      swift.requests.filter((r) => r.container !== RALLY),
      [],
      'no request left the container'
    );
  });

  it('refuses an object named exactly `.` or `..` (no URL can address it), and ends with that reason', async () => {
    for (const name of ['..', '.']) {
      swift.containers.set(RALLY, new Set([name, 'ok']));
      swift.requests.length = 0;
      const item = { id: RALLY, name: RALLY, project: null, userId: null, createdAt: null };
      await within(
        5000,
        assert.rejects(container.remove(ctx, item, { deadline: Date.now() + 3000 }), /cannot be addressed/)
      );
      const outside = swift.requests.filter(
        (r) => r.method === 'DELETE' && (r.container !== RALLY || r.object === null || r.object === '')
      );
      assert.deepEqual(outside, [], `no DELETE of the container itself or anything outside it (${name})`);
      assert.deepEqual([...swift.containers.get(RALLY)!], [name], 'the rest was emptied');
    }
    swift.containers.delete(RALLY);
  });

  it('gives up at its deadline when the container never empties', async () => {
    // A listing that keeps showing an object whose DELETE succeeds (a lagging container listing, or a proxy that
    // normalises paths): the purge must end, not loop.
    swift.containers.set(RALLY, new Set(['stuck']));
    const original = swift.containers.get(RALLY)!;
    original.delete = () => true;
    const item = { id: RALLY, name: RALLY, project: null, userId: null, createdAt: null };
    const started = Date.now();
    await within(
      5000,
      assert.rejects(container.remove(ctx, item, { deadline: Date.now() + 800 }), /still lists 1 object.*stuck/)
    );
    assert.ok(Date.now() - started < 3000, `ended ${Date.now() - started} ms after it started`);
    swift.containers.delete(RALLY);
  });
});
