#!/usr/bin/env bash
# Runs a command in a D-Bus session of its own with an unlocked GNOME keyring (the Secret
# Service QtKeychain talks to) and a home directory of its own, both gone afterwards.
set -euo pipefail
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME=$home dbus-run-session -- bash -c '
    printf paydesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' keyring "$@"
