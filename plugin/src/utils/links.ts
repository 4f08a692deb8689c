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

/** A service's page; cloud and region say which runner's service is meant, from and to the time range. */
export function serviceLink(
  service: string,
  { cloud, region, from, to }: { cloud?: string; region?: string; from?: number; to?: number } = {}
): string {
  const params = new URLSearchParams();
  if (cloud) {
    params.set('cloud', cloud);
  }
  if (region) {
    params.set('region', region);
  }
  if (from !== undefined) {
    params.set('from', String(Math.floor(from)));
  }
  if (to !== undefined) {
    params.set('to', String(Math.ceil(to)));
  }
  const query = params.toString();
  return `${prefixRoute(ROUTES.Service)}/${encodeURIComponent(service)}${query ? `?${query}` : ''}`;
}

/** The Service dashboard (dashboards/rally-service.json) for one cloud, region and service, over a time range. */
export function serviceDashboardLink({
  service,
  cloud,
  region,
  from,
  to,
}: {
  service: string;
  cloud?: string;
  region?: string;
  from: number;
  to: number;
}) {
  const params = new URLSearchParams();
  if (cloud) {
    params.set('var-cloud', cloud);
  }
  if (region) {
    params.set('var-region', region);
  }
  params.set('var-service', service);
  params.set('from', String(Math.floor(from)));
  params.set('to', String(Math.ceil(to)));
  return `/d/rally-service/rally-monitor-service?${params.toString()}`;
}
