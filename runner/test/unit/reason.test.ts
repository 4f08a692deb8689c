import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainReason } from '../../src/reason.js';
import { crashReasonFromLog } from '../../src/rally/verdict.js';
import { readFixture } from '../helpers.js';

describe('plainReason', () => {
  it('strips HTML markup and decodes entities', () => {
    assert.equal(plainReason('Service Unavailable: The server is currently unavailable.<br /><br />\nThe Keystone service is temporarily &lt;down&gt;.'),
      'Service Unavailable: The server is currently unavailable. The Keystone service is temporarily <down>.');
  });

  it('gives an OpenStack API\'s 503 for a Keystone it cannot reach as one plain line', () => {
    // What Nova (any API behind keystonemiddleware) answers when Keystone is gone, as the clients Rally uses quote
    // it: webob/exc.py renders WSGIHTTPException.body_template_obj, '${explanation}<br /><br />\\n${detail}\\n',
    // with HTTPServiceUnavailable's explanation and keystonemiddleware/auth_token's ServiceError detail.
    const reason = 'ServiceUnavailable: The server is currently unavailable. Please try again at a later time.<br /><br />\n'
      + 'The Keystone service is temporarily unavailable.\n\n (HTTP 503) (Request-ID: req-1c44223e-f3e8-4620-9a77-e0086b6b879d)';
    assert.equal(plainReason(reason), 'ServiceUnavailable: The server is currently unavailable. Please try again at a later time. '
      + 'The Keystone service is temporarily unavailable. (HTTP 503) (Request-ID: req-1c44223e-f3e8-4620-9a77-e0086b6b879d)');
  });

  it('keeps Python object reprs, which only look like tags', () => {
    const reason = "NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7fa204ddab50>: Failed')";
    assert.equal(plainReason(reason), reason);
  });

  it('makes one line of a multi-line reason, without colour codes', () => {
    assert.equal(plainReason('Validation error: x\n  Platform existing@openstack (available: False): y\u001b[00m'), 'Validation error: x Platform existing@openstack (available: False): y');
  });

  it('cuts a long reason and says so', () => {
    const cut = plainReason('x'.repeat(600));
    assert.equal(cut.length, 500);
    assert.ok(cut.endsWith('…'));
  });

  it('says why Rally found the cloud unavailable, in one plain line, from the recorded output of a Keystone gone mid-cycle', async () => {
    const log = await readFixture('keystone-stopped.nova-task-validate.log');
    assert.equal(plainReason(crashReasonFromLog(log) ?? ''), 'Rally found the cloud unavailable (existing@openstack): Unable to establish connection to http://127.0.0.1:5000/v3');
  });
});
