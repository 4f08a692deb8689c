// An Alertmanager webhook receiver: records every notification it is sent.
import { createServer } from 'node:http';

export async function startWebhookReceiver() {
  const notifications = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      try {
        notifications.push(JSON.parse(body));
      } catch {
        notifications.push({ unparsable: body });
      }
      response.writeHead(200).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    notifications,
    /** Every alert of every notification, with the notification's status next to it. */
    alerts: () => notifications.flatMap((n) => (n.alerts ?? []).map((a) => ({ ...a, receiver: n.receiver }))),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
