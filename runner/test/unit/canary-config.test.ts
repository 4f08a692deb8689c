// The canary agent's configuration (rally-monitor canary serve): defaults, peer forms, and the bad settings that
// must stop it with one line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentConfigError, loadAgentConfig, parsePeer } from '../../src/canary/agent/config.js';

const LOCAL = { hostname: 'vm-7', localAddresses: ['127.0.0.1', '10.0.0.4', '::1'] };

function errorFor(env: Record<string, string>): string {
  try {
    loadAgentConfig(env, LOCAL);
  } catch (error) {
    assert.ok(error instanceof AgentConfigError, `expected an AgentConfigError, got ${error}`);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('canary agent configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadAgentConfig({}, LOCAL);
    assert.equal(config.id, 'canary-vm-7');
    assert.equal(config.datacenter, 'default');
    assert.equal(config.availabilityZone, 'default');
    assert.equal(config.listenAddress, '0.0.0.0');
    assert.equal(config.port, 8080);
    assert.equal(config.intervalSeconds, 10);
    assert.equal(config.timeoutSeconds, 2);
    assert.deepEqual(config.peers, []);
    assert.equal(config.discoveryUrl, null);
  });

  it('reads identity, address, fractional intervals and both peer forms', () => {
    const config = loadAgentConfig(
      {
        CANARY_ID: 'canary-az1-0',
        DATACENTER: 'dc1',
        AVAILABILITY_ZONE: 'az-1',
        CANARY_LISTEN_ADDRESS: '10.0.0.4',
        CANARY_PORT: '9000',
        TRAFFIC_INTERVAL: '0.25',
        CANARY_PROBE_TIMEOUT: '0.5',
        PEER_ENDPOINTS: 'http://10.0.0.5:8080, 10.0.0.6:8081,[fd00::7]:8080,http://canary-b.example:8080/',
        CANARY_DISCOVERY_URL: 'http://10.0.0.1:9101/api/canary/peers',
      },
      LOCAL
    );
    assert.equal(config.id, 'canary-az1-0');
    assert.equal(config.datacenter, 'dc1');
    assert.equal(config.availabilityZone, 'az-1');
    assert.equal(config.port, 9000);
    assert.equal(config.intervalSeconds, 0.25);
    assert.equal(config.timeoutSeconds, 0.5);
    assert.deepEqual(
      config.peers.map((p) => `${p.host}|${p.port}|${p.endpoint}`),
      [
        '10.0.0.5|8080|10.0.0.5:8080',
        '10.0.0.6|8081|10.0.0.6:8081',
        'fd00::7|8080|[fd00::7]:8080',
        'canary-b.example|8080|canary-b.example:8080',
      ]
    );
    assert.equal(config.discoveryUrl, 'http://10.0.0.1:9101/api/canary/peers');
  });

  it('parses a peer or says why not', () => {
    assert.deepEqual(parsePeer('http://10.0.0.5'), { host: '10.0.0.5', port: 80, endpoint: '10.0.0.5:80' });
    for (const bad of [
      '10.0.0.5',
      'https://10.0.0.5:8080',
      'http://10.0.0.5:8080/echo',
      'a b:80',
      '10.0.0.5:0',
      '10.0.0.5:99999',
      'http://u:p@h:80',
      ':8080',
      'ftp://h:1',
    ]) {
      assert.throws(() => parsePeer(bad), AgentConfigError, bad);
    }
  });

  it('stops with one line naming the setting on bad values', () => {
    assert.match(errorFor({ PEER_ENDPOINTS: '10.0.0.5:8080,nonsense' }), /^PEER_ENDPOINTS: "nonsense" is not a peer/);
    assert.match(errorFor({ TRAFFIC_INTERVAL: '0' }), /^TRAFFIC_INTERVAL: must be a number of seconds above 0/);
    assert.match(errorFor({ TRAFFIC_INTERVAL: 'often' }), /^TRAFFIC_INTERVAL/);
    assert.match(errorFor({ TRAFFIC_INTERVAL: '-1' }), /^TRAFFIC_INTERVAL/);
    assert.match(errorFor({ CANARY_PROBE_TIMEOUT: '0' }), /^CANARY_PROBE_TIMEOUT/);
    assert.match(errorFor({ CANARY_PORT: '70000' }), /^CANARY_PORT/);
    assert.match(errorFor({ CANARY_PORT: '80a' }), /^CANARY_PORT/);
    assert.match(errorFor({ CANARY_DISCOVERY_URL: 'not a url' }), /^CANARY_DISCOVERY_URL/);
    assert.match(errorFor({ CANARY_ID: 'a b' }), /^CANARY_ID/);
    assert.match(errorFor({ PEER_ENDPOINTS: '10.0.0.5:8080,http://10.0.0.5:8080' }), /listed twice/);
  });

  it('refuses its own address among its peers', () => {
    // Listening on every address: any local address with the agent's port is itself.
    assert.match(
      errorFor({ PEER_ENDPOINTS: '10.0.0.5:8080,10.0.0.4:8080' }),
      /^PEER_ENDPOINTS: 10\.0\.0\.4:8080 is this canary's own address/
    );
    assert.match(errorFor({ PEER_ENDPOINTS: 'localhost:8080' }), /own address/);
    assert.match(errorFor({ PEER_ENDPOINTS: 'vm-7:8080' }), /own address/);
    // The same address on another port is another agent (several on one host, as in the tests and the benchmark).
    assert.equal(loadAgentConfig({ PEER_ENDPOINTS: '127.0.0.1:8081' }, LOCAL).peers.length, 1);
    // Listening on one address: that address with the port is itself.
    assert.match(
      errorFor({ CANARY_LISTEN_ADDRESS: '10.9.9.9', CANARY_PORT: '7000', PEER_ENDPOINTS: 'http://10.9.9.9:7000' }),
      /own address/
    );
  });
});
