import type { FetchError } from '@grafana/runtime';

import type { RunnerErrorBody } from './types';

/** What went wrong talking to the runner, so every page can say it the same way and tell how to fix it. */
export type RunnerErrorKind =
  | 'unreachable'
  | 'not-configured'
  | 'unauthorized'
  | 'token-disabled'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'bad-request'
  | 'unhealthy'
  | 'unknown';

export class RunnerApiError extends Error {
  constructor(
    readonly kind: RunnerErrorKind,
    message: string,
    readonly hint: string,
    readonly status?: number,
    readonly body?: Partial<RunnerErrorBody>,
    /** Who answered: the runner (through the plugin proxy) or the Prometheus data source (its proxy). */
    readonly source: 'runner' | 'prometheus' = 'runner'
  ) {
    super(message);
    this.name = 'RunnerApiError';
  }
}

const SETTINGS_HINT = 'Open the app settings (Administration > Plugins > Rally Monitor for OpenStack)';

/** Whether backend_srv rejected with an HTTP answer (a FetchError) rather than an exception. */
export function isFetchError(e: unknown): e is FetchError {
  return typeof e === 'object' && e !== null && 'status' in e;
}

function bodyOf(e: FetchError): Partial<RunnerErrorBody> & { message?: string } {
  return typeof e.data === 'object' && e.data !== null ? e.data : {};
}

/** Turns what Grafana's backend_srv rejects with into a RunnerApiError. */
export function toRunnerError(e: unknown): RunnerApiError {
  if (e instanceof RunnerApiError) {
    return e;
  }
  if (!isFetchError(e)) {
    const message = e instanceof Error ? e.message : String(e);
    return new RunnerApiError(
      'unknown',
      `Request to the runner failed: ${message}`,
      'Try again; if it persists, check the browser console.'
    );
  }
  const body = bodyOf(e);
  const runnerMessage = body.error ?? body.message;
  const status = e.status;
  switch (true) {
    case status === 0 || status === undefined:
      return new RunnerApiError(
        'unreachable',
        'Grafana could not be reached from the browser.',
        'Check your network connection and reload the page.',
        status,
        body
      );
    case status === 502 || status === 503 || status === 504: {
      if (body.code === undefined && status !== 503) {
        return new RunnerApiError(
          'unreachable',
          'The runner is unreachable: Grafana could not connect to the runner URL.',
          `${SETTINGS_HINT}, check the Runner URL, that the runner is running, and that the Grafana server can reach it (firewall; the runner listens on port 9101 by default).`,
          status,
          body
        );
      }
      return new RunnerApiError(
        'unhealthy',
        runnerMessage ?? 'The runner is unhealthy.',
        'Check the runner logs.',
        status,
        body
      );
    }
    case status === 401:
      return new RunnerApiError(
        'unauthorized',
        'The runner rejected the token.',
        `${SETTINGS_HINT} and set the Runner token to the runner's RALLY_MONITOR_API_TOKEN.`,
        status,
        body
      );
    case status === 403 && body.code === 'disabled':
      return new RunnerApiError(
        'token-disabled',
        'The runner has no API token configured, so it refuses changes.',
        'Set RALLY_MONITOR_API_TOKEN on the runner and the same value as Runner token in the app settings.',
        status,
        body
      );
    case status === 403:
      // Grafana's proxy refused the route: its reqAction (plugin RBAC role) or reqRole is missing.
      return new RunnerApiError(
        'forbidden',
        'Your Grafana user may not do this.',
        'Ask an Admin of this organization to grant you the app\'s "Cycle runner" or "Cleanup purger" role.',
        status,
        body
      );
    case status === 404 && body.code === undefined:
      return new RunnerApiError(
        'not-configured',
        'The runner proxy route is not available.',
        `${SETTINGS_HINT}, set the Runner URL, save, and make sure the app is enabled.`,
        status,
        body
      );
    case status === 404:
      return new RunnerApiError(
        'not-found',
        runnerMessage ?? 'Not found.',
        'Check the link or pick another run.',
        status,
        body
      );
    case status === 409:
      return new RunnerApiError(
        'conflict',
        runnerMessage ?? 'The runner is busy with the same work.',
        'Wait for it to finish, then try again.',
        status,
        body
      );
    case status === 400:
      return new RunnerApiError(
        'bad-request',
        runnerMessage ?? 'The runner rejected the request.',
        'Check the filters.',
        status,
        body
      );
    default:
      return new RunnerApiError(
        'unknown',
        `The runner answered ${status}${runnerMessage ? `: ${runnerMessage}` : ''}.`,
        'Check the runner logs.',
        status,
        body
      );
  }
}
