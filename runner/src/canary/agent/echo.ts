// The agent's echo (POST /echo): the other side of every probe. It answers the probe's request id and payload, and
// who answered, so a prober learns its peer's id, datacenter and availability zone from the first answer.

export interface CanaryIdentity {
  id: string;
  datacenter: string;
  availabilityZone: string;
}

/** A probe's request: `id` names it (so a late answer is recognised), `payload` a few bytes carried both ways. */
export interface EchoRequest {
  id: string;
  payload: string;
}

export interface EchoReply extends EchoRequest {
  canary: CanaryIdentity;
}

/** Requests larger than this are not probes. */
export const MAX_ECHO_BYTES = 4096;

export function parseEchoRequest(body: string): EchoRequest | null {
  if (Buffer.byteLength(body) > MAX_ECHO_BYTES) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const { id, payload } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128 || typeof payload !== 'string') return null;
  return { id, payload };
}

export function echoAnswer(body: string, identity: CanaryIdentity): { status: number; body: string } {
  const request = parseEchoRequest(body);
  if (!request) {
    return { status: 400, body: JSON.stringify({ error: 'not a probe: expected {"id": string, "payload": string}' }) };
  }
  const reply: EchoReply = { ...request, canary: identity };
  return { status: 200, body: JSON.stringify(reply) };
}
