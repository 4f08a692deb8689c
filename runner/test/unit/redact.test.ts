import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { redact, redactDeep, redactFile } from '../../src/redact.js';
import { leakedForms, SPECIAL_PASSWORD, WRITERS } from '../support/secret-forms.js';

describe('redact', () => {
  for (const [name, write] of Object.entries(WRITERS)) {
    it(`masks a password of " \\ < & % / ü written by ${name}`, () => {
      const text = `before ${write(SPECIAL_PASSWORD)} after`;
      assert.equal(redact(text, [SPECIAL_PASSWORD]), 'before *** after');
    });
  }

  it('masks each form inside one document, and leaves the text around it alone', () => {
    const text = Object.values(WRITERS)
      .map((write) => `<${write(SPECIAL_PASSWORD)}>`)
      .join('\n');
    const masked = redact(text, [SPECIAL_PASSWORD]);
    assert.deepEqual(leakedForms(masked, SPECIAL_PASSWORD), []);
    assert.equal(
      masked,
      Object.keys(WRITERS)
        .map(() => '<***>')
        .join('\n')
    );
  });

  it('masks a longer secret whole when it contains a shorter one, and ignores secrets under 4 characters', () => {
    assert.equal(redact('token abcd-efgh and abcd and abc', ['abcd', 'abcd-efgh', 'abc']), 'token *** and *** and abc');
  });

  it('does not mask text that only resembles the secret', () => {
    assert.equal(redact('p"a\\ss<w&rd%/u p&quot;a', [SPECIAL_PASSWORD]), 'p"a\\ss<w&rd%/u p&quot;a');
    assert.equal(redact('Secret secret SECRET', ['Secret']), '*** secret SECRET', 'letters keep their case');
  });

  it('masks decoded values inside a parsed record, keys included', () => {
    const record = {
      errors: [{ message: `bad password ${SPECIAL_PASSWORD}`, count: 2 }],
      [SPECIAL_PASSWORD]: null,
      ok: true,
    };
    assert.deepEqual(redactDeep(record, [SPECIAL_PASSWORD]), {
      errors: [{ message: 'bad password ***', count: 2 }],
      '***': null,
      ok: true,
    });
  });

  it('masks a stored file in place, in every form', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'redact-')), 'report.html');
    await writeFile(
      file,
      Object.values(WRITERS)
        .map((write) => write(SPECIAL_PASSWORD))
        .join(' | ')
    );
    await redactFile(file, [SPECIAL_PASSWORD]);
    assert.deepEqual(leakedForms(await readFile(file, 'utf8'), SPECIAL_PASSWORD), []);
  });
});

describe("the runner's log lines", () => {
  it('never carry the password, however it reached a message, a field or an error', () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger('info', [SPECIAL_PASSWORD], sink);
    logger.info(
      { url: `http://127.0.0.1:5000/?password=${encodeURIComponent(SPECIAL_PASSWORD)}` },
      `password ${SPECIAL_PASSWORD}`
    );
    logger.error(
      { err: new Error(`Keystone refused ${SPECIAL_PASSWORD}: <p>${WRITERS.markupsafe!(SPECIAL_PASSWORD)}</p>`) },
      'failed'
    );
    assert.match(out, /password \*\*\*/);
    assert.deepEqual(leakedForms(out, SPECIAL_PASSWORD), []);
  });
});
