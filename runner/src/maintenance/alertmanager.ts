// A small client of Alertmanager's API v2 silences, as its OpenAPI spec defines them (prometheus/alertmanager
// api/v2/openapi.yaml: POST /silences takes a postableSilence {matchers, startsAt, endsAt, createdBy, comment} and
// answers {silenceID}; GET /silence/{silenceID} answers a gettableSilence with status.state pending|active|expired,
// or 404; GET /silences lists them; DELETE /silence/{silenceID} expires one (api/v2/api.go deleteSilenceHandler calls
// silences.Expire: the silence stays listed as expired; 404 for an unknown id, and an error for one already expired).
// Alertmanager refuses a silence whose endsAt is past or not after its startsAt (api/v2/api.go postSilencesHandler).

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface PostableSilence {
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface GettableSilence extends PostableSilence {
  id: string;
  status: { state: 'pending' | 'active' | 'expired' };
  updatedAt: string;
}

export class AlertmanagerError extends Error {}

export class AlertmanagerClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 5000
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  get url(): string {
    return this.base;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.base}/api/v2${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new AlertmanagerError(`Alertmanager at ${this.base} could not be reached: ${why}`);
    }
  }

  private async failure(response: Response, what: string): Promise<AlertmanagerError> {
    const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 300);
    return new AlertmanagerError(
      `Alertmanager at ${this.base} refused to ${what}: HTTP ${response.status}${text ? `: ${text}` : ''}`
    );
  }

  async create(silence: PostableSilence): Promise<string> {
    const response = await this.request('POST', '/silences', silence);
    if (!response.ok) throw await this.failure(response, 'create a silence');
    const { silenceID } = (await response.json()) as { silenceID?: unknown };
    if (typeof silenceID !== 'string' || silenceID === '') {
      throw new AlertmanagerError(`Alertmanager at ${this.base} answered a silence without an id`);
    }
    return silenceID;
  }

  /** The silence, or null when Alertmanager does not know it (its storage was lost, or it was garbage-collected). */
  async get(id: string): Promise<GettableSilence | null> {
    const response = await this.request('GET', `/silence/${encodeURIComponent(id)}`);
    if (response.status === 404) return null;
    if (!response.ok) throw await this.failure(response, `read silence ${id}`);
    return (await response.json()) as GettableSilence;
  }

  async list(): Promise<GettableSilence[]> {
    const response = await this.request('GET', '/silences');
    if (!response.ok) throw await this.failure(response, 'list silences');
    return (await response.json()) as GettableSilence[];
  }

  /** Expires the silence; an unknown one is no error (there is nothing left to hold back). */
  async expire(id: string): Promise<void> {
    const response = await this.request('DELETE', `/silence/${encodeURIComponent(id)}`);
    if (response.status === 404) return;
    if (!response.ok) throw await this.failure(response, `expire silence ${id}`);
  }
}
