// Credentials as operators have them, against the real local Keystone: a monitoring user in a non-default domain,
// known to the runner by ids only (OS_PROJECT_ID, OS_USER_DOMAIN_ID), from the environment and from an openrc file.
// The Keystone cycle such an account runs, from an openrc file, is special-password.test.ts's (one cycle for both).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { authenticate } from '../../src/openstack/keystone.js';
import { OpenStackSession } from '../../src/openstack/session.js';
import { rallyCredentials } from '../../src/rally/credentials.js';
import { environmentSpec } from '../../src/rally/rally.js';
import { createIdOnlyAccount, idOnlyOpenrc, ID_ONLY_DOMAIN, type IdOnlyAccount } from '../support/id-only-account.js';
import { cloudEnv, testCloud } from '../support/runner-process.js';
import { SPECIAL_PASSWORD } from '../support/secret-forms.js';
import { tempDir } from '../helpers.js';

describe('a monitoring account in a non-default domain, known by ids only', { timeout: 60_000 }, () => {
  const cloud = testCloud();
  let admin: OpenStackSession;
  let account: IdOnlyAccount | undefined;

  before(async () => {
    admin = new OpenStackSession(loadConfig({ ...cloudEnv(cloud), RALLY_MONITOR_DATA_DIR: await tempDir() }).openstack);
    account = await createIdOnlyAccount(admin, SPECIAL_PASSWORD);
  });

  after(async () => {
    await account?.remove();
    await admin?.close();
  });

  it('authenticates with OS_PROJECT_ID and OS_USER_DOMAIN_ID alone, the id winning over a name', async () => {
    const byIds = {
      OS_AUTH_URL: cloud.authUrl,
      OS_USERNAME: account!.username,
      OS_PASSWORD: SPECIAL_PASSWORD,
      OS_PROJECT_ID: account!.projectId,
      OS_USER_DOMAIN_ID: account!.domainId,
      OS_IDENTITY_API_VERSION: '3',
      OS_REGION_NAME: cloud.region,
    };
    // A name beside the id names another project (the admin's, in Default): the id must win, as in keystoneauth.
    const { openstack } = loadConfig({ ...byIds, OS_PROJECT_NAME: 'admin' }, '/nonexistent');
    const token = await authenticate(openstack);
    assert.equal(token.projectId, account!.projectId);
    assert.equal(token.userId, account!.userId);
    assert.deepEqual(token.names, {
      username: account!.username,
      userDomainName: ID_ONLY_DOMAIN,
      projectName: account!.projectName,
      projectDomainName: ID_ONLY_DOMAIN,
    });
    // What Rally is given: the same account by names, which its existing@openstack spec requires.
    const rally = await rallyCredentials(openstack, token, () => assert.fail('the token has the names'));
    const spec = environmentSpec(rally)['existing@openstack'] as { admin: Record<string, string> };
    assert.deepEqual(spec.admin, {
      username: account!.username,
      password: SPECIAL_PASSWORD,
      project_name: account!.projectName,
      user_domain_name: ID_ONLY_DOMAIN,
      project_domain_name: ID_ONLY_DOMAIN,
    });
    // The same account from an openrc file.
    const file = join(await tempDir(), 'openrc.sh');
    await writeFile(file, idOnlyOpenrc(cloud, account!), { mode: 0o600 });
    assert.deepEqual(loadConfig({ RALLY_MONITOR_OPENRC: file }, '/nonexistent').openstack, loadConfig(byIds).openstack);
  });

  it('is refused by Keystone with the wrong domain id, and the error shows no password', async () => {
    const { openstack } = loadConfig(
      {
        OS_AUTH_URL: cloud.authUrl,
        OS_USERNAME: account!.username,
        OS_PASSWORD: SPECIAL_PASSWORD,
        OS_PROJECT_ID: account!.projectId,
        // The user's name exists only in the test domain: in Default, Keystone knows no such user.
        OS_USER_DOMAIN_ID: 'default',
      },
      '/nonexistent'
    );
    const error = await authenticate(openstack).then(
      () => assert.fail('Keystone accepted a user in the wrong domain'),
      (e: Error) => e
    );
    assert.match(error.message, /HTTP 401/);
    assert.ok(!error.message.includes(SPECIAL_PASSWORD));
  });
});
