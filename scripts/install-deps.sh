#!/usr/bin/env bash
# Installs what building and testing Token Desk needs on Debian/Ubuntu, and
# nothing that is already there: the system libraries and the headless-desktop
# tools (apt), and the UI's npm packages (npm ci). Rust crates come with cargo.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
    # Building the Tauri app
    build-essential pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
    libayatana-appindicator3-dev librsvg2-dev
    # The headless desktop the tests run in: display, session bus, keyring, WebDriver, clipboard
    xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver xclip
    # GNOME's compositor, headless, for the Wayland end-to-end tests (with Xwayland)
    mutter xwayland
    # The package test validates the desktop entry
    desktop-file-utils
    # The clipboard test pastes a copied curl command into a shell
    curl
)

missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "Installing system packages: ${missing[*]}"
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

for tool in cargo node npm; do
    command -v "$tool" >/dev/null || {
        echo "$0: '$tool' is missing. Install Rust (https://rustup.rs, 1.88 or newer) and Node.js 20 or newer." >&2
        exit 1
    }
done

# make lint needs rustfmt and clippy; rustup adds them when they are missing.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    if command -v rustup >/dev/null; then
        rustup component add rustfmt clippy
    else
        echo "$0: rustfmt and clippy are missing; install them with your Rust toolchain." >&2
        exit 1
    fi
fi

# npm ci is exact and fast, but only worth running when the lock file changed.
stamp=ui/node_modules/.package-lock.json
if [[ ! -f "$stamp" || ui/package-lock.json -nt "$stamp" ]]; then
    npm --prefix ui ci --no-audit --no-fund
fi
