#!/usr/bin/env bash
# Shared set-up behind the README's two commands: installs the Debian packages that are missing
# (and only those, so a second run costs nothing), installs the npm test peers when asked, then
# configures once and builds incrementally.
#
# Environment:
#   PAYDESK_BUILD_DIR    build directory (default: build)
#   PAYDESK_CMAKE_ARGS   extra configure arguments (e.g. -DPAYDESK_SANITIZE=ON)
#   PAYDESK_WITH_PEERS   1 to install the npm test peers (tests/peers) with npm ci
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PAYDESK_BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac

log() { printf '[paydesk] %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

packages=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6sql6-sqlite qt6-httpserver-dev
    libqt6opengl6-dev qt6-websockets-dev qtkeychain-qt6-dev qt6-tools-dev qt6-svg-dev libqt6svg6 libgl-dev
    libssl-dev openssl libzstd-dev libsqlite3-dev fonts-dejavu-core xvfb xauth help2man dpkg-dev file
    dbus gnome-keyring
)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing missing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${PAYDESK_WITH_PEERS:-0}" = 1 ]; then
    peers="$root/tests/peers"
    stamp="$peers/node_modules/.paydesk-lock-sha"
    want=$(sha256sum "$peers/package-lock.json" | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "installing npm test peers (npm ci)"
        (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error)
        echo "$want" > "$stamp"
    fi
fi

if [ ! -f "$build_dir/build.ninja" ]; then
    log "configuring $build_dir"
    # shellcheck disable=SC2086
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${PAYDESK_CMAKE_ARGS:-} >/dev/null
fi
log "building $build_dir"
cmake --build "$build_dir" -j2
