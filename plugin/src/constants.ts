import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;
/** Every runner call goes through Grafana's plugin proxy, which adds the token on the server. */
export const RUNNER_PROXY_URL = `api/plugin-proxy/${PLUGIN_ID}/runner`;

export enum ROUTES {
  Overview = 'overview',
  Service = 'service',
  Runs = 'runs',
  Cleanup = 'cleanup',
  Dataplane = 'dataplane',
  Maintenance = 'maintenance',
}

export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
