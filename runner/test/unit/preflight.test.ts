import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { OpenStackError } from '../../src/openstack/session.js';
import { preflightProblem } from '../../src/rally/preflight.js';
import { taskPlan } from '../../src/rally/task-args.js';
import { SERVICE_NAMES } from '../../src/services.js';

const BASE = {
  OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
  OS_USERNAME: 'admin',
  OS_PASSWORD: 'pw-very-secret',
  OS_PROJECT_NAME: 'admin',
  RALLY_NOVA_IMAGE: 'cirros',
};

function fakeNeutron(networks: unknown[] | Error) {
  const requests: string[] = [];
  let closed = false;
  const session = {
    async endpoint() {
      return 'http://127.0.0.1:9696/';
    },
    async request(url: string) {
      requests.push(url);
      if (networks instanceof Error) throw networks;
      return { status: 200, headers: new Headers(), body: { networks } };
    },
    async close() {
      closed = true;
    },
  };
  return { open: () => session, requests, closed: () => closed };
}

function plan(env: Record<string, string>) {
  const config = loadConfig({ ...BASE, ...env }, '/nonexistent');
  return { config, args: taskPlan(config, 'nova', [...SERVICE_NAMES], '/s', { name: 'cirros' }).args };
}

describe('preflight of task arguments Rally does not validate', () => {
  it('says so when the configured external network is not an external network in Neutron', async () => {
    const { config, args } = plan({ RALLY_EXTERNAL_NETWORK: 'public' });
    const neutron = fakeNeutron([]);
    const problem = await preflightProblem(config, 'nova', args, neutron.open);
    assert.equal(
      problem,
      "external network 'public' not found in Neutron (RALLY_EXTERNAL_NETWORK names a network with router:external)"
    );
    assert.deepEqual(neutron.requests, ['http://127.0.0.1:9696/v2.0/networks?name=public&router%3Aexternal=true']);
    assert.ok(neutron.closed());
  });

  it('passes a network that exists, and leaves an unreachable Neutron to the task', async () => {
    const { config, args } = plan({ RALLY_EXTERNAL_NETWORK: 'public' });
    assert.equal(await preflightProblem(config, 'nova', args, fakeNeutron([{ id: 'n1' }]).open), null);
    assert.equal(
      await preflightProblem(config, 'nova', args, fakeNeutron(new OpenStackError('refused', null, 'x')).open),
      null
    );
  });

  it('asks nothing when no workload needs the network', async () => {
    const neutron = fakeNeutron([]);
    const unset = plan({});
    assert.equal(await preflightProblem(unset.config, 'nova', unset.args, neutron.open), null);
    const set = plan({ RALLY_EXTERNAL_NETWORK: 'public' });
    assert.equal(await preflightProblem(set.config, 'glance', set.args, neutron.open), null);
    assert.deepEqual(neutron.requests, []);
  });
});
