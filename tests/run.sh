#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian packages and the npm test peers),
# builds, and runs the whole suite with CTest. Exits non-zero on any failure.
# PAYDESK_BUILD_DIR / PAYDESK_CMAKE_ARGS select another configuration (see .ci/run).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PAYDESK_WITH_PEERS=1 bash "$root/packaging/bootstrap.sh"
build_dir=${PAYDESK_BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="detect_stack_use_after_return=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
ctest --test-dir "$build_dir" --output-on-failure -j2 "$@"
