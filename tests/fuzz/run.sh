#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (Debian clang-14, libclang-rt-14-dev) and runs each
# for FUZZ_SECONDS (default 60). Usage: bash tests/fuzz/run.sh [seconds]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-60}}
out="$root/build-fuzz"
mkdir -p "$out/corpus" "$out/corpus-webhook"
qt_flags=$(pkg-config --cflags Qt6Core)
qt_libs=$(pkg-config --libs Qt6Core)
clang++-14 -std=c++20 -g -O1 -fPIC -fsanitize=fuzzer,address,undefined -DQT_NO_CAST_FROM_ASCII \
    -I"$root" $qt_flags \
    "$root/tests/fuzz/fuzz_webhook_signature.cpp" "$root/network/webhooksignature.cpp" \
    $qt_libs -o "$out/fuzz_webhook_signature"
clang++-14 -std=c++20 -g -O1 -fPIC -fsanitize=fuzzer,address,undefined -DQT_NO_CAST_FROM_ASCII \
    -I"$root" $qt_flags \
    "$root/tests/fuzz/fuzz_stripe_response.cpp" "$root/network/stripeerror.cpp" \
    $qt_libs -o "$out/fuzz_stripe_response"
# Seeds: real answers of the kinds Paydesk meets.
printf '\x00\xc8\x01Request-Id:req_1\n{"id":"cus_1","object":"customer"}' > "$out/corpus/ok"
printf '\x01\x92\x02Stripe-Should-Retry:false\nRequest-Id:req_2\n{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds"}}' > "$out/corpus/card"
printf '\x01\xf4\x00<html>502</html>' > "$out/corpus/html"
"$out/fuzz_stripe_response" -max_total_time="$seconds" -print_final_stats=1 "$out/corpus"
printf 't=1700000000,v1=%064d\n{"id":"evt_1"}' 0 > "$out/corpus-webhook/one"
printf 't=1700000000, v0=ab, v1=%064d,v1=%064d\n{}' 1 2 > "$out/corpus-webhook/several"
"$out/fuzz_webhook_signature" -max_total_time="$seconds" -print_final_stats=1 \
    "$out/corpus-webhook"
