#!/usr/bin/env bash
# Copies every picture the README shows from the last end-to-end run
# (`make e2e` or `make test` saves one per screen) into docs/screenshots/, so
# the README's pictures are always the screens as they are. Fails, naming
# them, when the run made some of them not.
set -euo pipefail
cd "$(dirname "$0")/.."

shots="${TOKEN_DESK_SCREENSHOTS:-${CARGO_TARGET_DIR:-$HOME/.cache/token-desk/target}/e2e-screenshots}"
missing=()
copied=0
for name in $(grep -o 'docs/screenshots/[A-Za-z0-9_-]*\.png' README.md | sort -u); do
    from="$shots/$(basename "$name")"
    if [[ -f "$from" ]]; then
        cp "$from" "$name"
        copied=$((copied + 1))
    else
        missing+=("$(basename "$name")")
    fi
done
echo "Copied $copied pictures from $shots into docs/screenshots/."
if ((${#missing[@]})); then
    echo "$0: the end-to-end run made no ${missing[*]}: run 'make e2e' first" >&2
    exit 1
fi
