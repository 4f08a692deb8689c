import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { plainReason } from '../../src/reason.js';
import { crashReasonFromLog } from '../../src/rally/verdict.js';
import { readFixture, TEST_SOURCE_DIR } from '../helpers.js';

describe('plainReason', () => {
  it('strips HTML markup and decodes entities', () => {
    assert.equal(
      plainReason(
        'Service Unavailable: The server is currently unavailable.<br /><br />\nThe Keystone service is temporarily &lt;down&gt;.'
      ),
      'Service Unavailable: The server is currently unavailable. The Keystone service is temporarily <down>.'
    );
  });

  it("gives Nova's recorded 503 for a Keystone it cannot reach as one plain line", async () => {
    // Recorded from nova-api with Keystone stopped: webob's 503 (`${explanation}<br /><br />\\n${detail}`) in JSON,
    // as the clients Rally uses quote it, and as the HTML page.
    const body = JSON.parse(
      await readFile(join(TEST_SOURCE_DIR, 'fixtures/openstack/nova-503-keystone-stopped.json'), 'utf8')
    ) as { message: string };
    assert.match(body.message, /<br \/><br \/>/);
    assert.equal(
      plainReason(`ServiceUnavailable: ${body.message} (HTTP 503)`),
      'ServiceUnavailable: The server is currently unavailable. Please try again at a later time. The Keystone service is temporarily unavailable. (HTTP 503)'
    );
    const page = await readFile(join(TEST_SOURCE_DIR, 'fixtures/openstack/nova-503-keystone-stopped.html'), 'utf8');
    assert.equal(
      plainReason(page),
      '503 Service Unavailable 503 Service Unavailable The server is currently unavailable. Please try again at a later time. The Keystone service is temporarily unavailable.'
    );
  });

  it('keeps Python object reprs, which only look like tags', () => {
    const reason = "NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7fa204ddab50>: Failed')";
    assert.equal(plainReason(reason), reason);
  });

  it('makes one line of a multi-line reason, without colour codes', () => {
    assert.equal(
      plainReason('Validation error: x\n  Platform existing@openstack (available: False): y\u001b[00m'),
      'Validation error: x Platform existing@openstack (available: False): y'
    );
  });

  it('cuts a long reason and says so', () => {
    const cut = plainReason('x'.repeat(600));
    assert.equal(cut.length, 500);
    assert.ok(cut.endsWith('…'));
  });

  it('says why Rally found the cloud unavailable, in one plain line, from the recorded output of a Keystone gone mid-cycle', async () => {
    const log = await readFixture('keystone-stopped.nova-task-validate.log');
    assert.equal(
      plainReason(crashReasonFromLog(log) ?? ''),
      'Rally found the cloud unavailable (existing@openstack): Unable to establish connection to http://127.0.0.1:5000/v3'
    );
  });
});
