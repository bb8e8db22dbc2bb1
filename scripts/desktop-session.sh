#!/usr/bin/env bash
# Runs a command inside a throwaway headless desktop session: a virtual X
# display (Xvfb), a private D-Bus session bus, and a gnome-keyring Secret
# Service unlocked with a throwaway password. Nothing of the user's own
# session (keyring, config, display) is read or touched, and every process the
# session started is gone when it returns, also when the command fails.
#
#   scripts/desktop-session.sh cargo test -p desk-core -- --include-ignored
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

if [[ "${1}" != "--inside" ]]; then
    for tool in Xvfb dbus-run-session gnome-keyring-daemon; do
        command -v "$tool" >/dev/null || {
            echo "$0: '$tool' is missing; run 'make deps' (or scripts/install-deps.sh) first" >&2
            exit 1
        }
    done
    session_dir=$(mktemp -d -t token-desk-session.XXXXXX)
    # The document portal, started on demand by GTK, may have mounted a FUSE file
    # system in the runtime dir: unmount it (if it is there) before removing the
    # session's files. Cleanup never changes the command's exit status.
    cleanup_session() {
        set +e
        local mount_point="$session_dir/runtime/doc"
        if mountpoint -q "$mount_point" 2>/dev/null; then
            fusermount3 -uz "$mount_point" 2>/dev/null || fusermount -uz "$mount_point" 2>/dev/null \
                || umount -l "$mount_point" 2>/dev/null
        fi
        rm -rf "$session_dir" 2>/dev/null
        return 0
    }
    trap cleanup_session EXIT
    mkdir -m 700 -p "$session_dir"/{runtime,data,config,cache}
    export XDG_RUNTIME_DIR="$session_dir/runtime" XDG_DATA_HOME="$session_dir/data" \
        XDG_CONFIG_HOME="$session_dir/config" XDG_CACHE_HOME="$session_dir/cache" \
        TOKEN_DESK_SESSION_DIR="$session_dir" NO_AT_BRIDGE=1
    unset DBUS_SESSION_BUS_ADDRESS DISPLAY GNOME_KEYRING_CONTROL WAYLAND_DISPLAY
    status=0
    dbus-run-session -- "$0" --inside "$@" || status=$?
    exit "$status"
fi
shift

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# Xvfb picks a free display itself and writes its number to the pipe.
exec {display_fd}<> <(:)
Xvfb -displayfd "$display_fd" -screen 0 1280x800x24 -nolisten tcp -noreset 2>"$XDG_RUNTIME_DIR/xvfb.log" &
pids+=($!)
read -r -t 20 -u "$display_fd" display_number || {
    echo "$0: Xvfb did not start:" >&2; cat "$XDG_RUNTIME_DIR/xvfb.log" >&2; exit 1
}
export DISPLAY=":$display_number"
# Services the bus starts on demand (desktop portals) need the display too.
dbus-update-activation-environment DISPLAY XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME 2>/dev/null || true

# gnome-keyring creates the login keyring with this password on first use and
# unlocks it; without --unlock every write would wait for a prompt.
eval "$(printf '%s' "token-desk-session" | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
[[ -n "${GNOME_KEYRING_PID:-}" ]] && pids+=("$GNOME_KEYRING_PID")

"$@"
