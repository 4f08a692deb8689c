import { prefixRoute, ROUTES } from '../constants';

/** The Runs page filtered to a service and a time span: what a click on a timeline cell opens. */
export function runsLink({ service, from, to }: { service?: string; from?: number; to?: number }): string {
  const params = new URLSearchParams();
  if (service) {
    params.set('service', service);
  }
  if (from !== undefined) {
    params.set('from', String(Math.floor(from)));
  }
  if (to !== undefined) {
    params.set('to', String(Math.ceil(to)));
  }
  const query = params.toString();
  return `${prefixRoute(ROUTES.Runs)}${query ? `?${query}` : ''}`;
}

export function runLink(id: string): string {
  return `${prefixRoute(ROUTES.Runs)}/${encodeURIComponent(id)}`;
}

export function serviceLink(service: string): string {
  return `${prefixRoute(ROUTES.Service)}/${encodeURIComponent(service)}`;
}
