#!/usr/bin/env bash
# Recompresses each .deb in the given folder with xz, as Debian's own packages
# are: Tauri's bundler writes gzip, which made Token Desk's .deb 5.3 MB against
# its 5 MB ceiling (xz: 3.8 MB). The files, their modes and the control data
# stay as the bundler made them; only the compression changes.
set -euo pipefail
folder="${1:?usage: scripts/repack-deb.sh FOLDER_WITH_DEBS}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
shopt -s nullglob
for deb in "$folder"/*.deb; do
    rm -rf "$work/root"
    dpkg-deb -R "$deb" "$work/root"
    dpkg-deb --root-owner-group -Zxz -z9 -b "$work/root" "$work/repacked.deb" >/dev/null
    mv "$work/repacked.deb" "$deb"
    echo "Repacked $deb with xz: $(du -h "$deb" | cut -f1)"
done
