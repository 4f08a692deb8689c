// One probe of one peer: a TCP connect, then an HTTP echo round trip on that connection (POST /echo with a request
// id and a small payload), all within one timeout. Raw sockets rather than an HTTP client: the connect and the round
// trip are timed apart, a fresh connection each time (no pooled connection hides a dataplane that stopped accepting
// new ones), and every failure is classified by what the socket said.
import { connect } from 'node:net';
import type { CanaryIdentity, EchoReply } from './echo.js';

/**
 * `ok`; or why the probe was lost: `timeout` (no answer within the timeout, including one that came later),
 * `refused` (nothing listens), `reset` (the connection was reset or closed before an answer), `unreachable` (no route
 * to the host or network), `bad_answer` (an answer that is not the echo of this probe), `late` (the echo of an
 * earlier probe: an answer that came too late to count), `error` (any other socket error).
 */
export const PROBE_RESULTS = [
  'ok',
  'timeout',
  'refused',
  'reset',
  'unreachable',
  'bad_answer',
  'late',
  'error',
] as const;
export type ProbeResult = (typeof PROBE_RESULTS)[number];

export interface ProbeOutcome {
  result: ProbeResult;
  /** The echo's round trip (request written to answer read) in seconds; null unless ok. */
  rttSeconds: number | null;
  /** The TCP connect's duration in seconds; null when the connection was not made. */
  connectSeconds: number | null;
  /** Who answered (from an ok answer), or null. */
  responder: CanaryIdentity | null;
  /** Why the probe failed, one line. */
  detail?: string;
}

export interface ProbeOptions {
  timeoutMs: number;
  requestId: string;
  /** Whether an id is one of an earlier probe of this peer (its answer came too late). */
  isEarlierId?: (id: string) => boolean;
  payload?: string;
}

const MAX_ANSWER_BYTES = 8192;
const DEFAULT_PAYLOAD = 'rally-monitor-canary-probe-0123456789abcdefghijklmnopqrstuvwxyz0';

function classifyError(error: NodeJS.ErrnoException): ProbeResult {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'unreachable';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'error';
  }
}

/** Reads an HTTP/1.1 answer (with Content-Length, as the agent sends, or up to the close); null until complete. */
function parseAnswer(raw: Buffer, atEnd: boolean): { status: number; body: string } | 'malformed' | null {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return raw.length > 5 && !raw.subarray(0, 5).toString().startsWith('HTTP/') ? 'malformed' : null;
  const head = raw.subarray(0, split).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!status) return 'malformed';
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!length) return atEnd ? { status: Number(status[1]), body: raw.subarray(split + 4).toString('utf8') } : null;
  const end = split + 4 + Number(length[1]);
  if (raw.length < end) return null;
  return { status: Number(status[1]), body: raw.subarray(split + 4, end).toString('utf8') };
}

function judge(answer: { status: number; body: string }, options: ProbeOptions, payload: string) {
  if (answer.status !== 200) return { result: 'bad_answer' as const, detail: `HTTP ${answer.status}` };
  let reply: Partial<EchoReply>;
  try {
    reply = JSON.parse(answer.body) as Partial<EchoReply>;
  } catch {
    return { result: 'bad_answer' as const, detail: 'the answer is not JSON' };
  }
  if (reply.id !== options.requestId) {
    if (typeof reply.id === 'string' && options.isEarlierId?.(reply.id)) {
      return { result: 'late' as const, detail: `the answer of an earlier probe (${reply.id.slice(0, 64)})` };
    }
    return { result: 'bad_answer' as const, detail: 'the answer carries a request id this canary never sent' };
  }
  if (reply.payload !== payload) return { result: 'bad_answer' as const, detail: 'the payload came back changed' };
  const c = reply.canary;
  const responder =
    c && typeof c.id === 'string' && typeof c.datacenter === 'string' && typeof c.availabilityZone === 'string'
      ? { id: c.id, datacenter: c.datacenter, availabilityZone: c.availabilityZone }
      : null;
  if (!responder) return { result: 'bad_answer' as const, detail: 'the answer does not say which canary answered' };
  return { result: 'ok' as const, responder };
}

export function probePeer(peer: { host: string; port: number }, options: ProbeOptions): Promise<ProbeOutcome> {
  const payload = options.payload ?? DEFAULT_PAYLOAD;
  const body = JSON.stringify({ id: options.requestId, payload });
  const hostHeader = peer.host.includes(':') ? `[${peer.host}]:${peer.port}` : `${peer.host}:${peer.port}`;
  const request =
    `POST /echo HTTP/1.1\r\nhost: ${hostHeader}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let connectedAt: bigint | null = null;
    let sentAt: bigint | null = null;
    let raw = Buffer.alloc(0);
    let done = false;
    const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;
    const socket = connect({ host: peer.host, port: peer.port });
    const finish = (outcome: Omit<ProbeOutcome, 'connectSeconds'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...outcome, connectSeconds: connectedAt === null ? null : seconds(started, connectedAt) });
    };
    const lost = (result: ProbeResult, detail: string) => finish({ result, rttSeconds: null, responder: null, detail });
    const timer = setTimeout(
      () =>
        lost('timeout', `no answer within ${options.timeoutMs} ms${connectedAt === null ? ' (not connected)' : ''}`),
      options.timeoutMs
    );
    socket.setNoDelay(true);
    socket.once('connect', () => {
      connectedAt = process.hrtime.bigint();
      sentAt = connectedAt;
      socket.write(request);
    });
    const settle = (atEnd: boolean) => {
      const answer = parseAnswer(raw, atEnd);
      if (answer === 'malformed') return lost('bad_answer', 'the answer is not HTTP');
      if (answer === null) {
        if (!atEnd) return;
        if (raw.length === 0) return lost('reset', 'the connection was closed without an answer');
        return lost('bad_answer', 'the answer was cut short');
      }
      const verdict = judge(answer, options, payload);
      if (verdict.result !== 'ok') return lost(verdict.result, verdict.detail);
      finish({
        result: 'ok',
        rttSeconds: seconds(sentAt!, process.hrtime.bigint()),
        responder: verdict.responder,
      });
    };
    socket.on('data', (chunk: Buffer) => {
      raw = Buffer.concat([raw, chunk]);
      if (raw.length > MAX_ANSWER_BYTES) return lost('bad_answer', 'the answer is too large');
      settle(false);
    });
    socket.once('end', () => settle(true));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      lost(classifyError(error), `${error.code ?? 'error'}: ${error.message}`.slice(0, 200))
    );
  });
}
