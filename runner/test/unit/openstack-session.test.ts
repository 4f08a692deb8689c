import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { KeystoneToken } from '../../src/openstack/keystone.js';
import { listAll, OpenStackError, OpenStackSession } from '../../src/openstack/session.js';
import { FAKE_CREDENTIALS } from '../helpers.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

describe('OpenStackSession', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let inFlight = 0;
  let maxInFlight = 0;
  let authentications = 0;
  let tokenLifetimeMs = 3_600_000;

  const token = async (): Promise<KeystoneToken> => {
    authentications += 1;
    return {
      value: `token-${authentications}`,
      expiresAt: new Date(Date.now() + tokenLifetimeMs),
      catalog: [
        {
          type: 'network',
          name: 'neutron',
          endpoints: [
            { interface: 'internal', region: 'RegionOne', url: `${base}/internal` },
            { interface: 'public', region: 'RegionTwo', url: `${base}/other-region` },
            { interface: 'public', region: 'RegionOne', url: `${base}/public/` },
          ],
        },
      ],
    };
  };
  const session = (options: ConstructorParameters<typeof OpenStackSession>[1] = {}) =>
    new OpenStackSession(FAKE_CREDENTIALS, { authenticate: token, backoffMs: 5, timeoutMs: 2000, ...options });
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  before(async () => {
    server = createServer((request, response) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      response.on('close', () => (inFlight -= 1));
      handler(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    authentications = 0;
    maxInFlight = 0;
    tokenLifetimeMs = 3_600_000;
  });

  it('reuses one token until it nears expiry, and picks the endpoint by interface and region', async () => {
    handler = (request, response) => json(response, 200, { token: request.headers['x-auth-token'] });
    const client = session();
    assert.equal(await client.endpoint('neutron'), `${base}/public`);
    assert.equal(await client.endpoint('nova'), null);
    const answers = await Promise.all([1, 2, 3].map(() => client.request(`${base}/x`)));
    assert.deepEqual(
      answers.map((a) => (a.body as { token: string }).token),
      ['token-1', 'token-1', 'token-1']
    );
    assert.equal(authentications, 1);
    tokenLifetimeMs = 60_000; // inside the 5-minute renewal margin: every use renews
    client.invalidate();
    await client.request(`${base}/x`);
    await client.request(`${base}/x`);
    assert.equal(authentications, 3);
  });

  it('authenticates again once on a 401, then gives up', async () => {
    let calls = 0;
    handler = (request, response) => {
      calls += 1;
      json(response, request.headers['x-auth-token'] === 'token-2' ? 200 : 401, {});
    };
    const client = session();
    await client.request(`${base}/x`);
    assert.equal(authentications, 2);
    handler = (_request, response) => json(response, 401, { error: 'no' });
    await assert.rejects(client.request(`${base}/x`), (error: OpenStackError) => error.status === 401);
    assert.ok(calls >= 2);
  });

  it('retries 5xx answers with backoff and succeeds, but never retries a 4xx', async () => {
    let calls = 0;
    handler = (_request, response) => {
      calls += 1;
      if (calls < 3) json(response, 503, { error: 'busy' });
      else json(response, 200, { ok: true });
    };
    const answer = await session({ retries: 2 }).request(`${base}/x`);
    assert.deepEqual(answer.body, { ok: true });
    assert.equal(calls, 3);

    calls = 0;
    handler = (_request, response) => {
      calls += 1;
      json(response, 400, { error: 'bad' });
    };
    await assert.rejects(
      session().request(`${base}/x`),
      (error: OpenStackError) => error.status === 400 && /HTTP 400/.test(error.message)
    );
    assert.equal(calls, 1);

    calls = 0;
    handler = (_request, response) => {
      calls += 1;
      json(response, 500, { error: 'down' });
    };
    await assert.rejects(session({ retries: 1 }).request(`${base}/x`), (error: OpenStackError) => error.status === 500);
    assert.equal(calls, 2);

    // A POST that failed on the server may have created something: it is not sent again.
    calls = 0;
    await assert.rejects(
      session({ retries: 2 }).request(`${base}/x`, { method: 'POST', body: {} }),
      (error: OpenStackError) => error.status === 500
    );
    assert.equal(calls, 1);
  });

  it('reports a refused connection and a timeout after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      session({ retries: 1 }).request(`http://127.0.0.1:${closedPort}/x`),
      (error: OpenStackError) => error.status === null && /ECONNREFUSED/.test(error.message)
    );
    handler = () => {}; // never answers
    const started = Date.now();
    await assert.rejects(session({ retries: 0, timeoutMs: 300 }).request(`${base}/slow`), /timed out/);
    assert.ok(Date.now() - started < 2000);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    handler = (_request, response) => setTimeout(() => json(response, 200, {}), 30);
    const client = session({ concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, () => client.request(`${base}/x`)));
    assert.equal(maxInFlight, 3);
  });

  it('follows next links (absolute, relative, Glance-style) and Swift markers until the end', async () => {
    handler = (request, response) => {
      const url = new URL(request.url!, base);
      const marker = url.searchParams.get('marker');
      if (url.pathname === '/v2.0/networks') {
        if (!marker) {
          json(response, 200, {
            networks: [{ id: 'a' }, { id: 'b' }],
            networks_links: [{ rel: 'next', href: `${base}/v2.0/networks?limit=2&marker=b` }],
          });
        } else if (marker === 'b') {
          json(response, 200, {
            networks: [{ id: 'c' }],
            networks_links: [{ rel: 'next', href: '/v2.0/networks?limit=2&marker=c' }],
          });
        } else json(response, 200, { networks: [], networks_links: [] });
      } else if (url.pathname === '/v2/images') {
        if (!marker) json(response, 200, { images: [{ id: 'i1' }], next: '/v2/images?marker=i1' });
        else json(response, 200, { images: [{ id: 'i2' }] });
      } else if (url.pathname === '/v1/AUTH_x') {
        const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
        const start = marker ? names.indexOf(marker) + 1 : 0;
        json(
          response,
          200,
          names.slice(start, start + Number(url.searchParams.get('limit'))).map((name) => ({ name }))
        );
      } else if (url.pathname === '/loop') {
        json(response, 200, {
          items: [{ id: 'x' }],
          items_links: [{ rel: 'next', href: `${base}/loop?limit=1000&marker=x` }],
        });
      }
    };
    const client = session();
    assert.deepEqual(
      (await listAll(client, `${base}/v2.0/networks`, { style: 'links', key: 'networks', pageSize: 2 })).map(
        (n) => n.id
      ),
      ['a', 'b', 'c']
    );
    assert.deepEqual(
      (await listAll(client, `${base}/v2/images`, { style: 'links', key: 'images' })).map((n) => n.id),
      ['i1', 'i2']
    );
    assert.deepEqual(
      (await listAll(client, `${base}/v1/AUTH_x`, { style: 'swift', pageSize: 2 })).map((n) => n.name),
      ['c1', 'c2', 'c3', 'c4', 'c5']
    );
    // A service that ignores the marker would loop forever; the repeated link ends the listing.
    assert.equal((await listAll(client, `${base}/loop`, { style: 'links', key: 'items' })).length, 2);
  });

  it("follows next links only on the endpoint's own origin, never sending the token elsewhere", async () => {
    // Another origin on loopback (another port): it must never see a request, least of all the token.
    const elsewhere: string[] = [];
    const other = createServer((request, response) => {
      elsewhere.push(`${request.url} ${request.headers['x-auth-token'] ?? ''}`);
      json(response, 200, { items: [{ id: 'stolen' }] });
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const port = new URL(base).port;
    const hostile = [
      `${otherBase}/v2.0/items?marker=a`, // another port
      `//127.0.0.1:${(other.address() as AddressInfo).port}/v2.0/items?marker=a`, // scheme-relative
      `https://127.0.0.1:${port}/v2.0/items?marker=a`, // same host and port, another scheme
      `http://localhost:${port}/v2.0/items?marker=a`, // the same machine under another name
      `file:///etc/passwd`,
    ];
    try {
      for (const href of hostile) {
        handler = (_request, response) =>
          json(response, 200, { items: [{ id: 'a' }], items_links: [{ rel: 'next', href }] });
        await assert.rejects(
          listAll(session(), `${base}/v2.0/items`, { style: 'links', key: 'items' }),
          (error: OpenStackError) =>
            error instanceof OpenStackError && /not on the endpoint's origin/.test(error.message),
          href
        );
        handler = (_request, response) => json(response, 200, { images: [{ id: 'a' }], next: href }); // Glance's style
        await assert.rejects(
          listAll(session(), `${base}/v2/images`, { style: 'links', key: 'images' }),
          /not on the endpoint's origin/,
          href
        );
      }
      assert.deepEqual(elsewhere, []);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});
