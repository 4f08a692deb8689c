// The credentials operators have: ids instead of names (OS_PROJECT_ID, OS_USER_DOMAIN_ID, OS_PROJECT_DOMAIN_ID),
// OS_IDENTITY_API_VERSION, and the same from clouds.yaml; how each reaches Keystone's token request and Rally's spec.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ConfigError, loadConfig, type OpenStackCredentials } from '../../src/config.js';
import { authenticate, authRequestBody, type KeystoneToken } from '../../src/openstack/keystone.js';
import { rallyCredentials } from '../../src/rally/credentials.js';
import { runCycle } from '../../src/cycle.js';
import { HistoryStore, newRunId } from '../../src/history/store.js';
import { environmentSpec, type Rally } from '../../src/rally/rally.js';
import { FAKE_CREDENTIALS, TEST_SOURCE_DIR, tempDir } from '../helpers.js';

const BY_IDS = {
  OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
  OS_USERNAME: 'monitor',
  OS_PASSWORD: 'pw-very-secret',
  OS_PROJECT_ID: 'fd334ebf65444cdfb01f078c7a1c43d7',
  OS_USER_DOMAIN_ID: '0f8a5bd6c1e94f43a7a1e2b1d3c4e5f6',
};

function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/nonexistent');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('credentials by id', () => {
  it('accepts a project and domains by id, with no project name', () => {
    const { openstack } = loadConfig({ ...BY_IDS, OS_PROJECT_DOMAIN_ID: 'default' }, '/nonexistent');
    assert.equal(openstack.projectId, BY_IDS.OS_PROJECT_ID);
    assert.equal(openstack.userDomainId, BY_IDS.OS_USER_DOMAIN_ID);
    assert.equal(openstack.projectDomainId, 'default');
    assert.equal(openstack.projectName, undefined);
  });

  it('still needs a project: a name or an id', () => {
    const { OS_PROJECT_ID: _, ...noProject } = BY_IDS;
    const error = errorFor(noProject);
    assert.equal(error.variable, 'OS_PROJECT_NAME');
    assert.match(error.message, /OS_PROJECT_ID/);
  });

  for (const variable of ['OS_PROJECT_ID', 'OS_USER_DOMAIN_ID', 'OS_PROJECT_DOMAIN_ID']) {
    it(`rejects a malformed ${variable}, naming it`, () => {
      for (const bad of ['two words', 'x'.repeat(65), 'line\nbreak']) {
        assert.equal(errorFor({ ...BY_IDS, [variable]: bad }).variable, variable);
      }
    });
  }

  it('takes OS_IDENTITY_API_VERSION 3 and refuses anything else, naming the variable', () => {
    assert.doesNotThrow(() => loadConfig({ ...BY_IDS, OS_IDENTITY_API_VERSION: '3' }, '/nonexistent'));
    for (const version of ['2', '2.0', 'v3', '3.0', 'three']) {
      const error = errorFor({ ...BY_IDS, OS_IDENTITY_API_VERSION: version });
      assert.equal(error.variable, 'OS_IDENTITY_API_VERSION');
      assert.match(error.message, /^OS_IDENTITY_API_VERSION: .*3/);
    }
  });

  it('reads ids and the identity API version from clouds.yaml; domain_id stands for both domains', async () => {
    const dir = await tempDir();
    const file = join(dir, 'clouds.yaml');
    await writeFile(
      file,
      `clouds:
  ids:
    identity_api_version: 3
    auth:
      auth_url: https://keystone.example.org:5000/v3
      username: monitor
      password: from-yaml-secret
      project_id: 5e6baffe348448a6b37ddbbed7def0ec
      domain_id: 58919a3823e94770989eb67e158f11f5
  v2:
    identity_api_version: 2
    auth: {auth_url: "http://127.0.0.1:5000", username: u, password: p-secret, project_name: p}
`
    );
    const { openstack } = loadConfig({ OS_CLOUD: 'ids', OS_CLIENT_CONFIG_FILE: file }, dir);
    assert.equal(openstack.projectId, '5e6baffe348448a6b37ddbbed7def0ec');
    assert.equal(openstack.userDomainId, '58919a3823e94770989eb67e158f11f5');
    assert.equal(openstack.projectDomainId, '58919a3823e94770989eb67e158f11f5');
    const error = errorFor({ OS_CLOUD: 'v2', OS_CLIENT_CONFIG_FILE: file });
    assert.equal(error.variable, 'OS_IDENTITY_API_VERSION');
  });
});

describe("the runner's token request", () => {
  const base: OpenStackCredentials = { ...FAKE_CREDENTIALS, username: 'monitor', password: 'pw' };

  it('names the user domain and the project by id when ids are given (keystoneauth: an id wins over a name)', () => {
    const body = authRequestBody({
      ...base,
      projectName: 'ignored-name',
      projectId: 'p-id',
      userDomainId: 'ud-id',
      projectDomainId: 'pd-id',
    });
    assert.deepEqual(body.auth.identity, {
      methods: ['password'],
      password: { user: { name: 'monitor', domain: { id: 'ud-id' }, password: 'pw' } },
    });
    assert.deepEqual(body.auth.scope, { project: { id: 'p-id' } });
  });

  it('scopes a project name in a domain given by id', () => {
    const body = authRequestBody({ ...base, projectName: 'monitoring', projectDomainId: 'pd-id' });
    assert.deepEqual(body.auth.scope, { project: { name: 'monitoring', domain: { id: 'pd-id' } } });
  });

  it('keeps the names when no id is given', () => {
    const body = authRequestBody(base);
    assert.deepEqual(body.auth.scope, { project: { name: 'p', domain: { name: 'Default' } } });
  });
});

describe("the token's names, for Rally", () => {
  let server: Server;
  let url: string;
  before(async () => {
    // A real token answer of the local Keystone to a password request scoped by ids (fixtures/openstack/README.md).
    const recorded = await readFile(join(TEST_SOURCE_DIR, 'fixtures/openstack/token-scoped-by-ids.json'), 'utf8');
    server = createServer((_request, response) => {
      response.writeHead(201, { 'content-type': 'application/json', 'x-subject-token': 'gAAAA-token' }).end(recorded);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads the user's and the project's names and domain names from Keystone's answer", async () => {
    const token = await authenticate({
      ...FAKE_CREDENTIALS,
      authUrl: url,
      projectId: 'fd334ebf65444cdfb01f078c7a1c43d7',
      userDomainId: 'default',
    });
    assert.deepEqual(token.names, {
      username: 'admin',
      userDomainName: 'Default',
      projectName: 'admin',
      projectDomainName: 'Default',
    });
  });
});

describe("Rally's credentials", () => {
  const names = { username: 'monitor', userDomainName: 'Ops', projectName: 'monitoring', projectDomainName: 'Ops' };
  const token = (withNames: boolean): KeystoneToken => ({
    value: 't',
    expiresAt: new Date(Date.now() + 3_600_000),
    catalog: [],
    ...(withNames ? { names } : {}),
  });
  const byIds: OpenStackCredentials = {
    ...FAKE_CREDENTIALS,
    username: 'monitor',
    projectName: undefined,
    projectId: 'p-id',
    userDomainId: 'ud-id',
  };

  it("refuses ids in Rally's spec: existing@openstack takes names only", () => {
    assert.throws(() => environmentSpec(byIds), /names/);
  });

  it('are the configured names, untouched, when no id is given (no Keystone request)', async () => {
    const resolved = await rallyCredentials(FAKE_CREDENTIALS, token(false), () => assert.fail('no request expected'));
    assert.deepEqual(resolved, FAKE_CREDENTIALS);
    assert.doesNotThrow(() => environmentSpec(resolved));
  });

  it("resolve ids to the names in the runner's own password token", async () => {
    const resolved = await rallyCredentials(byIds, token(true), () => assert.fail('the token already has the names'));
    const admin = (environmentSpec(resolved)['existing@openstack'] as { admin: Record<string, string> }).admin;
    assert.deepEqual(admin, {
      username: 'monitor',
      password: 'p',
      project_name: 'monitoring',
      user_domain_name: 'Ops',
      project_domain_name: 'Ops',
    });
  });

  it("ask Keystone with the password when the runner's token came from an application credential", async () => {
    const asked: OpenStackCredentials[] = [];
    const resolved = await rallyCredentials(
      { ...byIds, applicationCredential: { id: 'ac', secret: 'ac-secret' } },
      token(true),
      async (credentials) => {
        asked.push(credentials);
        return token(true);
      }
    );
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.applicationCredential, undefined, 'the password identifies the user Rally runs as');
    assert.equal(resolved.projectName, 'monitoring');
  });
});

describe('a cycle configured by ids', () => {
  it("gives Rally's environment the names of the runner's token", async () => {
    const dataDir = await tempDir();
    const config = loadConfig({ ...BY_IDS, RALLY_MONITOR_DATA_DIR: dataDir, RALLY_MONITOR_SERVICES: 'keystone' });
    const store = new HistoryStore(join(dataDir, 'runs'));
    await store.open();
    const given: OpenStackCredentials[] = [];
    const rally = {
      options: { bin: 'rally', home: join(dataDir, 'rally'), envName: 'unit' },
      async ensureEnvironment(credentials: OpenStackCredentials) {
        given.push(credentials);
        environmentSpec(credentials);
        throw new Error('stop here: the environment is what this test looks at');
      },
    } as unknown as Rally;
    const token: KeystoneToken = {
      value: 't',
      expiresAt: new Date(Date.now() + 3_600_000),
      catalog: [
        {
          type: 'identity',
          name: 'keystone',
          endpoints: [{ interface: 'public', region: '', url: BY_IDS.OS_AUTH_URL }],
        },
      ],
      names: { username: 'monitor', userDomainName: 'Ops', projectName: 'monitoring', projectDomainName: 'Ops' },
    };
    const cycle = await runCycle(
      { config, store, rally, logger: pino({ level: 'silent' }), secrets: [], authenticate: async () => token },
      { id: newRunId(), trigger: 'api' }
    );
    assert.equal(given.length, 1);
    assert.equal(given[0]!.projectName, 'monitoring');
    assert.equal(given[0]!.userDomainName, 'Ops');
    assert.equal(given[0]!.projectId, undefined);
    assert.match(cycle.services.find((s) => s.service === 'keystone')!.reason ?? '', /stop here/);
  });
});
