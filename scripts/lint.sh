#!/usr/bin/env bash
# `npm run lint`: the one lint phase of the repository. eslint (eslint.config.mjs: @grafana/eslint-config) on the
# plugin, the runner and the JavaScript scripts and tests; prettier --check (.prettierrc.json) on the same code;
# and ShellCheck (.shellcheckrc) on scripts/ and test/cloud/. All three run, whatever the first ones find.
#   bash scripts/lint.sh         check
#   bash scripts/lint.sh --fix   eslint --fix and prettier --write (shellcheck has no fixer)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export PATH="$ROOT/node_modules/.bin:$PATH"

CODE='**/*.{ts,tsx,js,mjs,cjs}'
mapfile -t SHELL_SCRIPTS < <(git ls-files 'scripts/*.sh' 'test/*.sh' 'test/**/*.sh' | sort -u)

if [[ ${1:-} == --fix ]]; then
  # Prettier first: wrapping a long one-line `if (x) y;` makes a multi-line body, which `curly` then braces; the
  # braces eslint adds are then laid out by Prettier again.
  prettier --write --log-level warn "$CODE"
  eslint --fix .
  prettier --write --log-level warn "$CODE"
  exit 0
fi

failed=()
echo "--- eslint"
eslint --max-warnings 0 . || failed+=(eslint)
echo "--- prettier --check"
prettier --check --log-level warn "$CODE" || failed+=(prettier)
echo "--- shellcheck (${#SHELL_SCRIPTS[@]} scripts)"
if ! command -v shellcheck >/dev/null; then
  echo "shellcheck is missing: bash scripts/ensure.sh apt-test installs it"
  failed+=(shellcheck)
else
  shellcheck "${SHELL_SCRIPTS[@]}" || failed+=(shellcheck)
fi
if ((${#failed[@]} > 0)); then
  echo "lint failed: ${failed[*]} (prettier and most eslint findings: npm run lint:fix)"
  exit 1
fi
echo "lint: clean"
