import { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';

import pluginJson from '../plugin.json';
import { canPurge, canRunCycles, PURGE_ACTION, RUN_ACTION } from './roles';

function signIn(orgRole: OrgRole, permissions?: Record<string, boolean>) {
  config.bootData.user = { ...config.bootData.user, orgRole, isGrafanaAdmin: false, permissions };
}

describe('who may run a cycle and purge', () => {
  afterEach(() => signIn(OrgRole.Viewer));

  it('uses the actions plugin.json declares and its mutating routes require', () => {
    const actions = pluginJson.roles.flatMap((r) => r.role.permissions.map((p) => p.action));
    expect(actions).toEqual(expect.arrayContaining([RUN_ACTION, PURGE_ACTION]));
    const required = Object.fromEntries(
      pluginJson.routes
        .filter((r) => r.method !== 'GET')
        .map((r) => [`${r.method} ${r.path}`, (r as { reqAction?: string }).reqAction])
    );
    // Maintenance windows are the run role's: whoever may start a cycle may declare the windows cycles run in.
    expect(required).toEqual({
      'POST runner/api/runs': RUN_ACTION,
      'POST runner/api/cleanup/purge': PURGE_ACTION,
      'POST runner/api/maintenance': RUN_ACTION,
      'DELETE runner/api/maintenance/*': RUN_ACTION,
    });
  });

  it('follows RBAC permissions where Grafana gives them: run and purge separately, whatever the org role', () => {
    signIn(OrgRole.Viewer, { [RUN_ACTION]: true });
    expect(canRunCycles()).toBe(true);
    expect(canPurge()).toBe(false);

    signIn(OrgRole.Editor, { [PURGE_ACTION]: true });
    expect(canRunCycles()).toBe(false);
    expect(canPurge()).toBe(true);

    // An Admin whose grant was taken away loses the button with the permission.
    signIn(OrgRole.Admin, { 'datasources:read': true });
    expect(canRunCycles()).toBe(false);
    expect(canPurge()).toBe(false);
  });

  it('falls back to the Admin role where the user carries no permissions (RBAC off)', () => {
    signIn(OrgRole.Admin);
    expect(canRunCycles()).toBe(true);
    expect(canPurge()).toBe(true);
    signIn(OrgRole.Editor);
    expect(canRunCycles()).toBe(false);
    expect(canPurge()).toBe(false);
  });
});
