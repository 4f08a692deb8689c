// How a probe is classified, against real sockets on loopback: an echo that answers, a closed port, a peer that
// never answers, one that resets, one that answers nonsense, one that answers another probe's request id, and one
// whose answer comes after the timeout.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { echoAnswer } from '../../src/canary/agent/echo.js';
import { probePeer } from '../../src/canary/agent/probe.js';

const IDENTITY = { id: 'canary-b', datacenter: 'dc1', availabilityZone: 'az-2' };
const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** A raw TCP server that hands each connection's first request body to `onRequest`. */
function rawServer(onRequest: (socket: Socket, body: string) => void): Server {
  return createServer((socket) => {
    let data = '';
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      data += chunk.toString();
      const split = data.indexOf('\r\n\r\n');
      const length = Number(/content-length: *(\d+)/i.exec(data)?.[1] ?? 0);
      if (split >= 0 && data.length >= split + 4 + length) onRequest(socket, data.slice(split + 4, split + 4 + length));
    });
  });
}

const answer = (socket: Socket, body: string) =>
  socket.end(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );

const probe = (port: number, extra: Partial<Parameters<typeof probePeer>[1]> = {}) =>
  probePeer({ host: '127.0.0.1', port }, { timeoutMs: 400, requestId: `req-${port}-${Math.random()}`, ...extra });

describe('canary probe classification', () => {
  it('ok: the echo answers with the request id and payload; the round trip and the responder are measured', async () => {
    const port = await listen(
      createHttpServer((request, response) => {
        let body = '';
        request.on('data', (c) => (body += c));
        request.on('end', () => {
          const { status, body: out } = echoAnswer(body, IDENTITY);
          response
            .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) })
            .end(out);
        });
      }) as unknown as Server
    );
    const outcome = await probe(port, { requestId: 'r-ok-1' });
    assert.equal(outcome.result, 'ok', outcome.detail);
    assert.ok(outcome.rttSeconds! > 0 && outcome.rttSeconds! < 0.4, String(outcome.rttSeconds));
    assert.ok(outcome.connectSeconds! >= 0 && outcome.connectSeconds! < 0.4);
    assert.deepEqual(outcome.responder, IDENTITY);
  });

  it('refused: nothing listens on the port', async () => {
    const port = await listen(createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const outcome = await probe(port);
    assert.equal(outcome.result, 'refused');
    assert.equal(outcome.rttSeconds, null);
  });

  it('timeout: the peer accepts and never answers; the probe gives up at its timeout', async () => {
    const port = await listen(rawServer(() => {}));
    const started = Date.now();
    const outcome = await probe(port, { timeoutMs: 300 });
    assert.equal(outcome.result, 'timeout');
    const took = Date.now() - started;
    assert.ok(took >= 290 && took < 1000, `took ${took} ms`);
  });

  it('timeout: an answer that comes after the timeout is lost, not counted late as ok', async () => {
    const port = await listen(
      rawServer((socket, body) =>
        setTimeout(() => !socket.destroyed && answer(socket, echoAnswer(body, IDENTITY).body), 500)
      )
    );
    const outcome = await probe(port, { timeoutMs: 200 });
    assert.equal(outcome.result, 'timeout');
  });

  it('reset: the peer resets the connection instead of answering', async () => {
    const port = await listen(rawServer((socket) => socket.resetAndDestroy()));
    assert.equal((await probe(port)).result, 'reset');
  });

  it('reset: the peer closes the connection without an answer', async () => {
    const port = await listen(rawServer((socket) => socket.end()));
    assert.equal((await probe(port)).result, 'reset');
  });

  it('bad_answer: not HTTP 200, not JSON, a wrong payload, or an unknown request id', async () => {
    const bodies = [
      (socket: Socket) => socket.end('HTTP/1.1 500 Oops\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
      (socket: Socket) => answer(socket, '<html>hello</html>'),
      (socket: Socket, body: string) =>
        answer(socket, JSON.stringify({ ...JSON.parse(body), payload: 'x', canary: IDENTITY })),
      (socket: Socket, body: string) =>
        answer(socket, JSON.stringify({ ...JSON.parse(body), id: 'never-sent', canary: IDENTITY })),
      (socket: Socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'),
    ];
    for (const [i, respond] of bodies.entries()) {
      const port = await listen(rawServer(respond));
      const outcome = await probe(port);
      assert.equal(outcome.result, 'bad_answer', `answer ${i}: ${outcome.detail}`);
      assert.ok(outcome.detail, 'says what was wrong');
    }
  });

  it('late: the answer carries the id of an earlier probe (a relay handing over a late answer)', async () => {
    let previous: string | null = null;
    const port = await listen(
      rawServer((socket, body) => {
        const request = JSON.parse(body) as { id: string; payload: string };
        const id = previous ?? request.id;
        previous = request.id;
        answer(socket, JSON.stringify({ id, payload: request.payload, canary: IDENTITY }));
      })
    );
    const sent = new Set<string>();
    const first = await probe(port, { requestId: 'late-1', isEarlierId: (id) => sent.has(id) });
    sent.add('late-1');
    assert.equal(first.result, 'ok');
    const second = await probe(port, { requestId: 'late-2', isEarlierId: (id) => sent.has(id) });
    assert.equal(second.result, 'late');
    assert.equal(second.rttSeconds, null, 'a late answer is a lost probe: no round trip');
  });

  it('the echo refuses what is not a probe', () => {
    assert.equal(echoAnswer('{"id":"a","payload":"p"}', IDENTITY).status, 200);
    assert.equal(echoAnswer('nope', IDENTITY).status, 400);
    assert.equal(echoAnswer('{"id":5,"payload":"p"}', IDENTITY).status, 400);
    assert.equal(echoAnswer(JSON.stringify({ id: 'a', payload: 'p'.repeat(5000) }), IDENTITY).status, 400);
  });
});
