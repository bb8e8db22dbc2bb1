#!/bin/bash
# Runs replay.js in jsc and prints its anonymous memory (from smaps_rollup)
# a second after the replay says it is loaded. See replay.js.
set -euo pipefail
here=$(dirname "$0")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
jsc "$here/replay.js" -- "${1:-base}" "${2:-8}" > "$out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q READY "$out" && break; sleep 0.05; done
sleep "${WAIT:-1}"
anon=$(awk '/^Anonymous/ {print $2}' "/proc/$pid/smaps_rollup")
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
grep -v READY "$out"
echo "anonymous memory: $((anon / 1024)) MB"
