import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CANARY_NAME_PREFIX, canaryName } from '../../src/canary/deploy/names.js';
import { parseRallyName, taskPrefixOf } from '../../src/cleanup/names.js';

describe('parseRallyName', () => {
  it("recognises each of Rally's generated formats and extracts the task part", () => {
    assert.deepEqual(parseRallyName('s_rally_8b7c3e1a_AbC9xYz0'), { prefix: 's_rally_', taskPrefix: '8b7c3e1a' });
    assert.deepEqual(parseRallyName('c_rally_0f1e2d3c_k2L9mN0p'), { prefix: 'c_rally_', taskPrefix: '0f1e2d3c' });
    assert.deepEqual(parseRallyName('rally_12345678_abcdefgh'), { prefix: 'rally_', taskPrefix: '12345678' });
    assert.deepEqual(parseRallyName('rally_verify_aa11bb22_ZZ99yy88'), {
      prefix: 'rally_verify_',
      taskPrefix: 'aa11bb22',
    });
    assert.deepEqual(parseRallyName('s-rally-deadbeef-Q1w2E3r4'), { prefix: 's-rally-', taskPrefix: 'deadbeef' });
  });

  it('never matches near misses, so they are never reported or deleted', () => {
    for (const name of [
      'rally-prod',
      'my_s_rally_x',
      's_rally_short',
      'my_s_rally_8b7c3e1a_AbC9xYz0',
      's_rally_8b7c3e1a_AbC9xYz0_extra',
      's_rally_8b7c3e1a-AbC9xYz0',
      's-rally-deadbeef_Q1w2E3r4',
      'S_RALLY_8b7c3e1a_AbC9xYz0',
      's_rally_8b7c3e1_AbC9xYz0',
      's_rally_8b7c3e1a_AbC9xYz',
      'rally_verify_short',
      'rally',
      '',
      ' s_rally_8b7c3e1a_AbC9xYz0',
      's_rally_8b7c3e1a_AbC9-Yz0',
    ]) {
      assert.equal(parseRallyName(name), null, name);
    }
    assert.equal(parseRallyName(null), null);
    assert.equal(parseRallyName(undefined), null);
  });

  it('derives the task part from a task uuid the way Rally does', () => {
    assert.equal(taskPrefixOf('8b7c3e1a-5f00-4c4e-9d8e-0a1b2c3d4e5f'), '8b7c3e1a');
    assert.equal(taskPrefixOf('8b7c-3e1a-5f00'), '8b7c3e1a');
  });
});

describe("parseRallyName and operators' own names", () => {
  // Names people give resources by hand that share Rally's prefixes and separators and even its 8+8 shape. Rally's
  // task part is the start of a task uuid (lowercase hex), so none of these can be Rally's.
  const ordinary = [
    'rally_frontend_database',
    's_rally_customer_invoices',
    'c_rally_staging1_webnode1',
    'rally_verify_tempest1_nightly1',
    's-rally-backup01-primary1',
    'rally_prodmain_abcdefgh',
    'c_rally_Deadbeef_k2L9mN0p',
    's_rally_8B7C3E1A_AbC9xYz0',
    's_rally_deadbeeg_AbC9xYz0',
    'c_rally_webnode1_00000001',
    's-rally-DEADBEEF-Q1w2E3r4',
    'rally_frontend_webnode1',
    's_rally_projectx_invoices',
  ];

  it("never takes a name whose task part is not lowercase hex for one of Rally's", () => {
    for (const name of ordinary) assert.equal(parseRallyName(name), null, name);
  });

  it('still recognises every prefix and separator with a hex task part, whatever the random part', () => {
    for (const [name, prefix] of [
      ['rally_0a1b2c3d_Frontend', 'rally_'],
      ['s_rally_c0ffee42_Invoices', 's_rally_'],
      ['c_rally_00000000_webnode1', 'c_rally_'],
      ['rally_verify_deadbeef_tempest1', 'rally_verify_'],
      ['s-rally-12ab34cd-Backup01', 's-rally-'],
    ] as const) {
      assert.deepEqual(
        parseRallyName(name),
        { prefix, taskPrefix: name.slice(prefix.length, prefix.length + 8) },
        name
      );
    }
  });
});

describe('parseRallyName and the dataplane canaries', () => {
  // `canary deploy` names its servers with a fixed prefix: the cleanup monitor must never list (or purge) them,
  // whatever the availability zone is called, even a zone named like a Rally task part.
  it("never takes a canary's server name for one of Rally's", () => {
    assert.equal(parseRallyName(CANARY_NAME_PREFIX), null);
    for (const zone of ['nova', 'az-1', 'deadbeef', 'rally_12345678', 's-rally-deadbeef', 'AZ Ünïcode', '..', '"q"']) {
      for (const index of [1, 2, 10]) {
        const name = canaryName(zone, index);
        assert.ok(name.startsWith(CANARY_NAME_PREFIX), name);
        assert.equal(parseRallyName(name), null, name);
      }
    }
  });
});
