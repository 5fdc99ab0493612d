#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and opens Paydesk on the demo
# merchant. Without a display (a server, CI) it runs under a virtual X server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/packaging/bootstrap.sh"
binary="$root/${PAYDESK_BUILD_DIR:-build}/bin/paydesk"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "[paydesk] no display: running under xvfb-run" >&2
    exec xvfb-run -a -s "-screen 0 1400x900x24" "$binary" --demo "$@"
fi
exec "$binary" --demo "$@"
