#!/usr/bin/env bash
# One-step setup for a fresh machine of this kind (Debian, Node 20): Chromium's headless shell
# (the browser audits and PDF reports: half the CPU per page of the full browser), the full
# Chromium (the companion extension loads only there), a CJK font, Redis and PostgreSQL (the
# distributed mode's queue and shared store), then the npm dependencies
# from the lock file.
# Idempotent: what is already there is not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

have_chrome() {
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    [ -x "$c" ] && return 0
  done
  return 1
}
have_shell() {
  for c in /usr/lib/chromium/chromium-headless-shell /usr/bin/chromium-headless-shell /usr/bin/chrome-headless-shell; do
    [ -x "$c" ] && return 0
  done
  return 1
}
# Redis (the distributed queue, BullMQ) and PostgreSQL (the shared store for many workers):
# tests start their own servers from these binaries on free loopback ports.
have_redis() { command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ]; }
have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_cjk_font() { command -v fc-list >/dev/null && fc-list :lang=zh | grep -q . ; }

missing=()
have_chrome || missing+=(chromium)
have_shell || missing+=(chromium-headless-shell)
have_cjk_font || missing+=(fonts-wqy-microhei)
have_redis || missing+=(redis-server)
have_postgres || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
    if have_chrome || have_shell || [ -x "${CHROME_PATH:-}" ]; then
      echo "setup: the browser audits run on the browser there is, more slowly without the headless shell" >&2
    else
      echo "setup: (or set CHROME_PATH to a Chromium/Chrome binary); browser audits are skipped until then" >&2
    fi
  fi
fi

# npm ci only when the lock file changed since the last install (keeps setup fast when re-run).
stamp=node_modules/.zhaocuo-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
else
  echo "setup: npm dependencies up to date"
fi
# The CLI's bundle (bin/cli-loader.mjs builds it on first use anyway): built here once, so the
# first runs do not each build their own, and a build that fails is said now, not left as a
# silently slower CLI (it then runs through tsx).
node --input-type=module -e "const r = await (await import('./bin/cli-loader.mjs')).loadCli(process.cwd()); if (r.how === 'tsx') console.error('setup: warning: the CLI runs through tsx, more slowly: its bundle could not be built: ' + r.why);"
if ! bin/zhaocuo.js --version >/dev/null; then
  echo "setup: bin/zhaocuo.js does not start; see the error above" >&2
  exit 1
fi
echo "setup: done"
