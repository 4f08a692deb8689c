import { NEVER, Observable, of, throwError } from 'rxjs';
import { BackendSrv, BackendSrvRequest, FetchError, FetchResponse, setBackendSrv } from '@grafana/runtime';

import { RUNNER_PROXY_URL } from '../constants';

export interface FakeResponse {
  /** 'pending' never answers: the page stays in its loading state for that request. */
  status: number | 'pending';
  data?: unknown;
}

/**
 * Answers for "METHOD /path": the path after the runner proxy prefix, or Grafana's own API path, without query; or a
 * function of the request.
 */
export type Routes = Record<string, FakeResponse | ((request: BackendSrvRequest) => FakeResponse)>;

export interface FakeBackend {
  requests: BackendSrvRequest[];
}

function respond(request: BackendSrvRequest, answer: FakeResponse): Observable<FetchResponse> {
  if (answer.status === 'pending') {
    return NEVER;
  }
  if (answer.status >= 400 || answer.status === 0) {
    const error: FetchError = { status: answer.status, data: answer.data ?? {}, config: request, statusText: '' };
    return throwError(() => error);
  }
  return of({
    data: answer.data,
    status: answer.status,
    ok: true,
    headers: new Headers(),
    redirected: false,
    statusText: 'OK',
    type: 'basic',
    url: request.url,
    config: request,
  } as FetchResponse);
}

/**
 * Stands in for Grafana's backend_srv: routes requests to the runner proxy by method and path, and answers 404 like
 * Grafana's plugin proxy for anything unlisted, so a test fails loudly when a page calls something unexpected.
 */
export function setupFakeBackend(routes: Routes): FakeBackend {
  const requests: BackendSrvRequest[] = [];
  const fetch = (request: BackendSrvRequest) => {
    requests.push(request);
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url.replace(/^\//, '');
    const path = url.startsWith(RUNNER_PROXY_URL)
      ? url.slice(RUNNER_PROXY_URL.length).split('?')[0]
      : `/${url.split('?')[0]}`;
    const route = routes[`${method} ${path}`];
    const answer = typeof route === 'function' ? route(request) : route;
    return respond(request, answer ?? { status: 404, data: { message: 'plugin route match not found' } });
  };
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return { requests };
}

/** The query parameters of a recorded request. */
export function queryOf(request: BackendSrvRequest): URLSearchParams {
  return new URLSearchParams(request.url.split('?')[1] ?? '');
}
