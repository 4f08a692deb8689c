// A monitoring account as many operators have one: a user and a project in a non-default domain, given to the runner
// by ids (OS_PROJECT_ID, OS_USER_DOMAIN_ID) in an openrc file. Made in the real local Keystone through its API.
//
// Kept between runs, found again by name (idempotent, additive): the domain `ops-monitoring-by-id`, since disabling
// and deleting a domain every run costs more than finding it, and nothing in it is ever named like Rally's. Made and
// removed by each run: its project and user (random suffixes, so concurrent or crashed runs never collide).
import { randomBytes } from 'node:crypto';
import type { OpenStackSession } from '../../src/openstack/session.js';
import type { TestCloud } from './runner-process.js';

export const ID_ONLY_DOMAIN = 'ops-monitoring-by-id';

export interface IdOnlyAccount {
  domainId: string;
  domainName: string;
  projectId: string;
  projectName: string;
  userId: string;
  username: string;
  password: string;
  /** Deletes the project and the user (the domain stays). */
  remove(): Promise<void>;
}

export async function createIdOnlyAccount(admin: OpenStackSession, password: string): Promise<IdOnlyAccount> {
  const keystone = (await admin.endpoint('keystone'))!.replace(/\/v3\/?$/, '');
  const api = <T>(path: string, options: Parameters<OpenStackSession['request']>[1] = {}) =>
    admin.request(`${keystone}/v3${path}`, options).then((r) => r.body as T);
  const found = await api<{ domains: Array<{ id: string }> }>(`/domains?name=${ID_ONLY_DOMAIN}`);
  const domainId =
    found.domains[0]?.id ??
    (
      await api<{ domain: { id: string } }>('/domains', {
        method: 'POST',
        body: { domain: { name: ID_ONLY_DOMAIN, description: "rally-monitor's tests: an account given by ids" } },
      })
    ).domain.id;
  const suffix = randomBytes(4).toString('hex');
  const projectName = `probe-project-${suffix}`;
  const username = `probe-user-${suffix}`;
  let projectId = '';
  let userId = '';
  const remove = async () => {
    if (userId) await api(`/users/${userId}`, { method: 'DELETE' }).catch(() => undefined);
    if (projectId) await api(`/projects/${projectId}`, { method: 'DELETE' }).catch(() => undefined);
  };
  try {
    projectId = (
      await api<{ project: { id: string } }>('/projects', {
        method: 'POST',
        body: { project: { name: projectName, domain_id: domainId } },
      })
    ).project.id;
    userId = (
      await api<{ user: { id: string } }>('/users', {
        method: 'POST',
        body: { user: { name: username, domain_id: domainId, password } },
      })
    ).user.id;
    const role = (await api<{ roles: Array<{ id: string }> }>('/roles?name=admin')).roles[0]!.id;
    // Rally's Keystone scenarios create users and projects: the monitoring user is an admin, as in production.
    await api(`/projects/${projectId}/users/${userId}/roles/${role}`, { method: 'PUT' });
  } catch (error) {
    await remove();
    throw error;
  }
  return { domainId, domainName: ID_ONLY_DOMAIN, projectId, projectName, userId, username, password, remove };
}

/** The account as an openrc file gives it: ids and the user's name, the password single-quoted. */
export function idOnlyOpenrc(cloud: TestCloud, account: IdOnlyAccount): string {
  if (account.password.includes("'")) throw new Error('the password cannot be single-quoted');
  return [
    '#!/usr/bin/env bash',
    "# rally-monitor's integration tests: the monitoring account, by ids",
    `export OS_AUTH_URL=${cloud.authUrl}`,
    `export OS_PROJECT_ID="${account.projectId}"`,
    `export OS_USER_DOMAIN_ID="${account.domainId}"`,
    `export OS_USERNAME="${account.username}"`,
    `export OS_PASSWORD='${account.password}'`,
    `export OS_REGION_NAME="${cloud.region}"`,
    'export OS_INTERFACE=public',
    'export OS_IDENTITY_API_VERSION=3',
    '',
  ].join('\n');
}

/** Blanks the credentials the test runner's environment gives, so those of an openrc file apply (empty = unset). */
export const NO_ENVIRONMENT_CREDENTIALS: Record<string, string> = {
  OS_AUTH_URL: '',
  OS_USERNAME: '',
  OS_PASSWORD: '',
  OS_PROJECT_NAME: '',
  OS_USER_DOMAIN_NAME: '',
  OS_PROJECT_DOMAIN_NAME: '',
  OS_REGION_NAME: '',
};
