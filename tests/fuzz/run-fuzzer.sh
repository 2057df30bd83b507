#!/bin/sh
# Runs one libFuzzer target for a bounded time from its checked-in corpus
# (copied, so the tree stays clean).  Crashes fail the test and leave the
# reproducer in the build dir.
set -eu
exe=$1
corpus=$2
secs=${CALLSTACK_FUZZ_SECONDS:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null || true
exec "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -error_exitcode=1 -timeout_exitcode=1 \
        -artifact_prefix="$(dirname "$exe")/crash-$(basename "$exe")-" -print_final_stats=1 "$work"
