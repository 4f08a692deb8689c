// Rally's existing@openstack environment takes names only: its user definition allows username, password,
// project_name, tenant_name, domain_name, user_domain_name and project_domain_name, with additionalProperties false
// (openstack/rally-openstack rally_openstack/environment/platforms/existing.py, CONFIG_SCHEMA; `rally env create
// --from-sysenv` reads OS_PROJECT_NAME/OS_TENANT_NAME and the domain names only, create_spec_from_sys_environ).
// Credentials given by id (OS_PROJECT_ID, OS_USER_DOMAIN_ID, OS_PROJECT_DOMAIN_ID) are therefore turned into the
// names Keystone gives the same user and project in a password token.
import type { OpenStackCredentials } from '../config.js';
import type { KeystoneToken } from '../openstack/keystone.js';

/** Whether the credentials name anything by id, which Rally cannot take. */
export function usesIds(credentials: OpenStackCredentials): boolean {
  return Boolean(credentials.projectId || credentials.userDomainId || credentials.projectDomainId);
}

/**
 * The credentials Rally gets: the configured ones when they use names only (no request), else the names of the
 * runner's own token when it came from the password, else those of a password token asked for here (a token from
 * an application credential may name another user than the one whose password Rally uses).
 */
export async function rallyCredentials(
  credentials: OpenStackCredentials,
  token: KeystoneToken | null,
  authenticate: (credentials: OpenStackCredentials) => Promise<KeystoneToken>
): Promise<OpenStackCredentials> {
  if (!usesIds(credentials)) return credentials;
  const { applicationCredential, projectId: _p, userDomainId: _u, projectDomainId: _d, ...rest } = credentials;
  const names = (!applicationCredential ? token?.names : undefined) ?? (await authenticate(rest)).names;
  if (!names) {
    throw new Error("Keystone's token does not name the user's and the project's domains, which Rally needs");
  }
  return {
    ...rest,
    projectName: names.projectName,
    userDomainName: names.userDomainName,
    projectDomainName: names.projectDomainName,
    ...(applicationCredential ? { applicationCredential } : {}),
  };
}
