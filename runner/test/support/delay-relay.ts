// A TCP relay on 127.0.0.1 in front of a real service, that can hold every chunk a client sends for a while before
// passing it on: each request through it takes that much longer, as a slow load balancer or a congested API would
// make it. Used to slow Glance down on purpose for the slow-down detection test, without touching Glance itself.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface DelayRelay {
  port: number;
  /** Milliseconds each chunk from a client waits before it goes on; 0 passes everything at once. */
  delayMs: number;
  /** Connections relayed so far. */
  connections: number;
  close(): Promise<void>;
}

/** Listens on a free loopback port; at most `maxConnections` at once, every socket closed by close(). */
export async function startDelayRelay(targetPort: number, maxConnections = 64): Promise<DelayRelay> {
  const sockets = new Set<Socket>();
  const relay: DelayRelay = { port: 0, delayMs: 0, connections: 0, close: async () => {} };
  const server: Server = createServer((client) => {
    relay.connections += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => {
      if (relay.delayMs === 0) {
        upstream.write(chunk);
        return;
      }
      // Paused while the chunk waits, so the order of the bytes is kept and nothing piles up in memory.
      client.pause();
      setTimeout(() => {
        upstream.write(chunk);
        client.resume();
      }, relay.delayMs);
    });
    client.on('end', () => upstream.end());
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  relay.port = (server.address() as { port: number }).port;
  relay.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return relay;
}
