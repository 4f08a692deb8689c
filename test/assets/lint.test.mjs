// The lint phase (`npm run lint`, scripts/lint.sh): its rules catch what they are for, accept the house style, and
// `npm test` runs it right after the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { readText, repoPath } from './lib/repo.mjs';

const eslint = new ESLint({ cwd: repoPath() });
const rulesHit = async (code, filePath) =>
  (await eslint.lintText(code, { filePath: repoPath(filePath) })).flatMap((r) => r.messages.map((m) => m.ruleId));

test("eslint applies Grafana's rules to the runner, the plugin and the JavaScript tests", async () => {
  for (const file of ['runner/src/x.ts', 'plugin/src/x.tsx', 'test/assets/x.mjs']) {
    const hit = await rulesHit(
      'export function f(a: unknown, b: unknown) {\n  var c = a == b;\n  return c;\n}\n',
      file
    );
    assert.ok(hit.includes('eqeqeq') && hit.includes('no-var'), `${file}: ${hit}`);
  }
});

test('eslint accepts the house style: one-line guards without braces, type imports beside value imports', async () => {
  const code =
    "import type { A } from './a.js';\nimport { b } from './a.js';\n\nexport function f(x?: A) {\n  if (!x) return b;\n  return x;\n}\n";
  assert.deepEqual(await rulesHit(code, 'runner/src/x.ts'), []);
  assert.deepEqual(
    await rulesHit('export function f(x?: number) {\n  if (!x)\n    return 1;\n  return x;\n}\n', 'runner/src/x.ts'),
    ['curly']
  );
});

test('eslint does not enable import-is-compatible, which would fetch from a CDN at lint time', async () => {
  const config = await eslint.calculateConfigForFile(repoPath('plugin', 'src', 'module.tsx'));
  assert.ok(!Object.keys(config.rules).some((rule) => rule.includes('import-is-compatible')));
  assert.ok(
    await eslint.isPathIgnored(repoPath('plugin', '.config', 'webpack', 'webpack.config.ts')),
    'the scaffold-managed .config is not linted'
  );
});

test('prettier has one configuration for the whole repository: width 120, single quotes', async () => {
  for (const file of ['runner/src/config.ts', 'plugin/src/module.tsx', 'test/assets/promtool.test.mjs']) {
    const config = await prettier.resolveConfig(repoPath(file), { editorconfig: false });
    assert.equal(config.printWidth, 120, file);
    assert.equal(config.singleQuote, true, file);
    assert.equal(config.trailingComma, 'es5', file);
  }
});

test("shellcheck, with the repository's .shellcheckrc, catches an unquoted cd and takes shebang-less modules as bash", () => {
  // shellcheck 0.9 has no --rcfile: it reads the .shellcheckrc of the script's folder or above.
  const dir = mkdtempSync(join(tmpdir(), 'rally-lint-'));
  try {
    copyFileSync(repoPath('.shellcheckrc'), join(dir, '.shellcheckrc'));
    writeFileSync(join(dir, 'bad.sh'), '#!/usr/bin/env bash\ncd $1\necho "$PWD"\n');
    writeFileSync(join(dir, 'module.sh'), '# sourced by a script\nready() { [[ -s "$1" ]]; }\nready "$@"\n');
    const check = (file) => spawnSync('shellcheck', [join(dir, file)], { encoding: 'utf8' });
    const bad = check('bad.sh');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout, /SC2164/);
    const module = check('module.sh');
    assert.equal(module.status, 0, module.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm test runs the lint phase right after the build, and npm run lint is scripts/lint.sh', () => {
  const phases = /PHASES=\$\{TEST_PHASES:-"([^"]+)"\}/.exec(readText('scripts', 'test.sh'))[1].split(' ');
  assert.deepEqual(phases.slice(0, 2), ['build', 'lint']);
  assert.match(readText('scripts', 'test.sh'), /^phase lint npm run lint$/m);
  assert.equal(JSON.parse(readText('package.json')).scripts.lint, 'bash scripts/lint.sh');
  assert.match(readText('scripts', 'ensure.sh'), /TEST_PACKAGES=\([^)]*\bshellcheck\b/);
});
