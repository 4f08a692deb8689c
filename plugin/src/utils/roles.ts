import { userHasPermission } from '@grafana/data';
import { config, hasPermission } from '@grafana/runtime';

import pluginJson from '../plugin.json';

/**
 * The plugin's RBAC actions (Grafana 11.6+ app RBAC), declared in plugin.json `roles` and required by the POST
 * proxy routes' `reqAction`. Both roles are granted to Admin by default; an admin can grant either one alone.
 */
export const RUN_ACTION = `${pluginJson.id}.cycles:run`;
export const PURGE_ACTION = `${pluginJson.id}.cleanup:purge`;

/** The org role rule the routes used before RBAC: Grafana server admins pass it too. */
export function isAdmin(): boolean {
  const user = config.bootData?.user;
  return Boolean(user && (user.orgRole === 'Admin' || user.isGrafanaAdmin));
}

/**
 * Whether the signed-in user holds `action`, as Grafana's own UI decides it: contextSrv.hasPermission is
 * userHasPermission(action, user) over the user's permission map (public/app/core/services/context_srv.ts), which
 * @grafana/runtime exposes as hasPermission. Where the user carries no permission map (RBAC off, or a Grafana too old
 * for plugin roles), the Admin role decides, as the routes' reqRole did.
 */
export function userCan(action: string): boolean {
  const user = config.bootData?.user;
  if (!user) {
    return false;
  }
  if (!user.permissions) {
    return isAdmin();
  }
  try {
    return hasPermission(action);
  } catch {
    // Outside Grafana's shell the runtime's current user is not set; the boot data holds the same map.
    return userHasPermission(action, user);
  }
}

export const canRunCycles = () => userCan(RUN_ACTION);
/** Declaring and cancelling maintenance windows is the run role's too (plugin.json routes of /api/maintenance). */
export const canManageMaintenance = () => userCan(RUN_ACTION);
export const canPurge = () => userCan(PURGE_ACTION);
