// The federation declaration (provisioning/federation/generate.mjs): what it accepts, what it refuses and says why,
// and what it generates from the shipped example. No process is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import {
  DEFAULT_SELECTORS,
  DeclarationError,
  federationQuery,
  goQueryEscape,
  parseDeclaration,
  renderCentralConfig,
  renderGatewayConfig,
} from '../../provisioning/federation/generate.mjs';

const site = (overrides = {}) => ({
  name: 'region-one',
  gateway: 'gw.example.org:9443',
  prometheus: '127.0.0.1:9090',
  central_token_file: 'secrets/region-one.token',
  ...overrides,
});
const declaration = (overrides = {}, sites = [site()]) =>
  stringify({
    gateway: { certificate: '/etc/haproxy/gw.pem', token_file: '/etc/haproxy/gw.token' },
    sites,
    ...overrides,
  });
const refused = (text, pattern) =>
  assert.throws(
    () => parseDeclaration(text),
    (error) => error instanceof DeclarationError && pattern.test(error.message),
    `expected a DeclarationError matching ${pattern}`
  );

test('Go query escaping matches url.QueryEscape, as Prometheus encodes its scrape URL', () => {
  // Expected values: Go's url.QueryEscape (net/url, shouldEscape with encodeQueryComponent).
  assert.equal(goQueryEscape('match[]'), 'match%5B%5D');
  assert.equal(goQueryEscape('{__name__=~"rally_.*"}'), '%7B__name__%3D~%22rally_.%2A%22%7D');
  assert.equal(goQueryEscape("a b!'()*/?&ü"), 'a+b%21%27%28%29%2A%2F%3F%26%C3%BC');
  assert.equal(federationQuery(['a', 'b']), 'match%5B%5D=a&match%5B%5D=b');
});

test('a declaration never holds a token, whatever the key or where', () => {
  refused(declaration({}, [site({ token: 'x'.repeat(32) })]), /never a token/);
  refused(declaration({ central: { password: 'x' } }), /never a token/);
  refused(declaration({ gateway: { certificate: '/c.pem', bearer_token: 'x' } }), /never a token/);
});

test('site names are safe file names and labels, each declared once', () => {
  for (const name of ['..', 'Region', 'a/b', 'région', 'a"b', '', '-a']) {
    refused(declaration({}, [site({ name })]), /name/);
  }
  refused(declaration({}, [site(), site()]), /declared twice/);
});

test('paths and addresses that would break out of the HAProxy configuration are refused', () => {
  refused(declaration({}, [site({ token_file: '/etc/x y' })]), /token_file/);
  refused(declaration({}, [site({ certificate: '/etc/"x.pem' })]), /certificate/);
  refused(declaration({}, [site({ token_file: '/etc/${HOME}/t' })]), /token_file/);
  refused(declaration({}, [site({ token_file: '/etc/t#x' })]), /token_file/);
  refused(declaration({}, [site({ gateway: 'gw.example.org' })]), /host:port/);
  refused(declaration({}, [site({ prometheus: 'http://127.0.0.1:9090' })]), /prometheus/);
  refused(declaration({}, [site({ token_env: 'lower-case' })]), /exactly one|token_env/);
});

test('each site names exactly one gateway token source and where the central reads it', () => {
  refused(declaration({}, [site({ token_env: 'TOKEN', token_file: '/etc/t' })]), /exactly one/);
  refused(stringify({ gateway: { certificate: '/c.pem' }, sites: [site()] }), /exactly one/);
  refused(declaration({}, [site({ central_token_file: undefined })]), /central_token_file/);
  refused(stringify({ gateway: { token_file: '/t' }, sites: [site()] }), /certificate/);
});

test('selectors select by metric name, once each, one line each', () => {
  refused(declaration({ selectors: ['{job="rally-monitor"}'] }), /metric name/);
  refused(declaration({ selectors: [DEFAULT_SELECTORS[0], DEFAULT_SELECTORS[0]] }), /twice/);
  refused(declaration({ selectors: ['{__name__=~"a"}\n{__name__=~"b"}'] }), /one line/);
  refused(declaration({ selectors: [] }), /list/);
});

test('the gateway admits the full query and each selector alone, and reads the token from its file or variable', () => {
  const parsed = parseDeclaration(
    declaration({}, [site(), site({ name: 'region-two', token_env: 'RALLY_FEDERATION_TOKEN', token_file: undefined })])
  );
  const one = renderGatewayConfig(parsed, 'region-one');
  assert.match(one, /acl token_valid http_auth_bearer -m str -f \/etc\/haproxy\/gw\.token\n/);
  const admitted = /acl whitelisted_selectors query -m str (.*)\n/.exec(one)[1].split(' ');
  assert.deepEqual(admitted, [
    `'${federationQuery(DEFAULT_SELECTORS)}'`,
    ...DEFAULT_SELECTORS.map((s) => `'${federationQuery([s])}'`),
  ]);
  assert.match(renderGatewayConfig(parsed, 'region-two'), /http_auth_bearer -m str "\$\{RALLY_FEDERATION_TOKEN\}"/);
  const central = renderCentralConfig(parsed);
  assert.match(central, /credentials_file: secrets\/region-one\.token/);
  assert.doesNotMatch(central, /&a\d|\*a\d/, 'no YAML anchors: each job reads on its own');
});
