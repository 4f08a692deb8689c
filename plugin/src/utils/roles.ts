import { config } from '@grafana/runtime';

/** Mirrors the proxy routes' `reqRole: "Admin"`: Grafana server admins pass it too. */
export function isAdmin(): boolean {
  const user = config.bootData?.user;
  return Boolean(user && (user.orgRole === 'Admin' || user.isGrafanaAdmin));
}
