#!/usr/bin/env bash
# CI's packaging check: builds the .deb with CPack, checks it with lintian (no errors), installs
# it with apt, then runs the installed binary: `paydesk --version` and one headless
# `paydesk sync` against `paydesk sandbox` on loopback, whose cache must then hold the charges.
# PAYDESK_BUILD_DIR selects the build directory (default: build, configured by tests/run.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PAYDESK_BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac

log() { printf '[paydesk-deb] %s\n' "$*" >&2; }
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v lintian >/dev/null 2>&1; then
    log "installing lintian"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lintian >/dev/null
fi

rm -f "$build_dir"/paydesk_*.deb
cmake --build "$build_dir" --target package -- -j2 >/dev/null
deb=$(ls "$build_dir"/paydesk_*.deb)
log "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# lintian refuses nothing for running as root but says so on stderr.
lintian --fail-on error "$deb" 2> >(grep -v 'running with root privileges' >&2)
log "lintian: no errors"

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
log "installed: $(dpkg-query -W -f='${Package} ${Version}' paydesk)"

installed=/usr/bin/paydesk
version=$("$installed" --version)
log "$installed --version: $version"
[ "$version" = "paydesk $(dpkg-query -W -f='${Version}' paydesk)" ]
for f in /usr/share/applications/io.github.paydesk.Paydesk.desktop \
    /usr/share/metainfo/io.github.paydesk.Paydesk.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/io.github.paydesk.Paydesk.svg \
    /usr/share/man/man1/paydesk.1.gz; do
    [ -s "$f" ] || { log "missing: $f"; exit 1; }
done

work=$(mktemp -d)
sandbox_pid=
cleanup() {
    [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
"$installed" sandbox --port 0 --scale 2000 > "$work/sandbox.out" 2> "$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 300); do
    grep -q '^listening on ' "$work/sandbox.out" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.err" >&2; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/sandbox.out")
[ -n "$url" ] || { log "the sandbox did not start"; exit 1; }

key="sk_test_$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
STRIPE_API_KEY="$key" "$installed" sync --api-base "$url" --cache "$work/cache.sqlite" \
    > "$work/sync.out" 2> "$work/sync.err" || { cat "$work/sync.err" >&2; exit 1; }
rows=$("$installed" export payments --cache "$work/cache.sqlite" | wc -l)
log "headless sync from the installed binary: $((rows - 1)) payments cached from $url"
[ "$rows" -gt 1 ]
if grep -qF "$key" "$work/sync.out" "$work/sync.err" "$work/cache.sqlite"*; then
    log "the API key was written out"
    exit 1
fi
log "ok"
