#!/usr/bin/env bash
# Installs what the project needs and the machine lacks; quick when everything is present. Used by `npm test`,
# `npm run demo`, CI (.ci/run) and the runner's Dockerfile, so all of them install the same way.
#
#   bash scripts/ensure.sh apt-runner   Rally and rally-openstack from Debian (what the runner needs at run time)
#   bash scripts/ensure.sh apt-demo     the above plus the local cloud's packages (what `npm run demo` needs)
#   bash scripts/ensure.sh apt-test     the above plus Prometheus, Alertmanager, Chromium and ShellCheck
#   bash scripts/ensure.sh npm          the npm workspaces (npm ci) when node_modules is missing or stale
#   bash scripts/ensure.sh all          apt-test and npm
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

RUNNER_PACKAGES=(rally python3-rally-openstack python3-openstackclient)
# python3-osc-placement: the `openstack resource provider` commands the cleanup benchmark compares against.
TEST_PACKAGES=(prometheus prometheus-alertmanager haproxy chromium python3-osc-placement shellcheck)

say() { printf '[ensure] %s\n' "$*" >&2; }

missing_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$package"
  done
}

apt_install() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    say "missing Debian packages: ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]} (apt-get)"
  local started=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  say "installed in $((SECONDS - started)) s"
}

ensure_npm() {
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [[ -x "$ROOT/node_modules/.bin/node" && -f "$stamp" && "$stamp" -nt "$ROOT/package-lock.json" ]]; then return 0; fi
  say "installing npm dependencies (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
}

case "${1:-all}" in
  apt-runner) apt_install "${RUNNER_PACKAGES[@]}" ;;
  apt-demo)
    apt_install "${RUNNER_PACKAGES[@]}"
    bash "$ROOT/test/cloud/cloud.sh" install
    ;;
  apt-test)
    apt_install "${RUNNER_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    bash "$ROOT/test/cloud/cloud.sh" install
    ;;
  npm) ensure_npm ;;
  all)
    apt_install "${RUNNER_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    bash "$ROOT/test/cloud/cloud.sh" install
    ensure_npm
    ;;
  *) say "usage: ensure.sh apt-runner|apt-demo|apt-test|npm|all"; exit 2 ;;
esac
