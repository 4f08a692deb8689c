import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRallyName, taskPrefixOf } from '../../src/cleanup/names.js';

describe('parseRallyName', () => {
  it("recognises each of Rally's generated formats and extracts the task part", () => {
    assert.deepEqual(parseRallyName('s_rally_8b7c3e1a_AbC9xYz0'), { prefix: 's_rally_', taskPrefix: '8b7c3e1a' });
    assert.deepEqual(parseRallyName('c_rally_0f1e2d3c_k2L9mN0p'), { prefix: 'c_rally_', taskPrefix: '0f1e2d3c' });
    assert.deepEqual(parseRallyName('rally_12345678_abcdefgh'), { prefix: 'rally_', taskPrefix: '12345678' });
    assert.deepEqual(parseRallyName('rally_verify_aa11bb22_ZZ99yy88'), { prefix: 'rally_verify_', taskPrefix: 'aa11bb22' });
    assert.deepEqual(parseRallyName('s-rally-deadbeef-Q1w2E3r4'), { prefix: 's-rally-', taskPrefix: 'deadbeef' });
  });

  it('never matches near misses, so they are never reported or deleted', () => {
    for (const name of [
      'rally-prod', 'my_s_rally_x', 's_rally_short', 'my_s_rally_8b7c3e1a_AbC9xYz0', 's_rally_8b7c3e1a_AbC9xYz0_extra',
      's_rally_8b7c3e1a-AbC9xYz0', 's-rally-deadbeef_Q1w2E3r4', 'S_RALLY_8b7c3e1a_AbC9xYz0', 's_rally_8b7c3e1_AbC9xYz0',
      's_rally_8b7c3e1a_AbC9xYz', 'rally_verify_short', 'rally', '', ' s_rally_8b7c3e1a_AbC9xYz0', 's_rally_8b7c3e1a_AbC9-Yz0',
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
