# Token Desk: every target installs what it needs first (scripts/install-deps.sh
# is quick when everything is there already).

# One target dir for every build and test, outside the clone so a fresh clone
# reuses compiled dependencies. Override it freely; a cold one works too.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/token-desk/target
# Test builds get their own identifier: their single-instance lock and data
# dirs never touch an installed Token Desk.
TEST_TAURI_CONFIG := {"identifier":"dev.tokendesk.TokenDesk.test"}
SESSION := scripts/desktop-session.sh

.PHONY: deps ui run lint test test-rust test-ui test-package e2e screenshots bench bundle bindings

deps:
	scripts/install-deps.sh

ui: deps
	npm --prefix ui run build

## Build and open the app.
run: ui
	cargo run --features custom-protocol

## Formatting and lints, Rust and UI: the habits the build enforces.
lint: ui
	cargo fmt --all --check
	TAURI_CONFIG='$(TEST_TAURI_CONFIG)' cargo clippy --workspace --features token-desk/custom-protocol --all-targets -- -D warnings
	npm --prefix ui run lint

## Every test: the lints, UI checks and components, then every Rust crate, with
## the keychain and end-to-end tests inside a throwaway headless desktop session,
## then the package, installed and started from its desktop entry.
test: lint test-ui test-rust test-package

test-ui: deps
	npm --prefix ui run check
	npm --prefix ui test

test-rust: ui
	TAURI_CONFIG='$(TEST_TAURI_CONFIG)' $(SESSION) \
		cargo test --workspace --features token-desk/custom-protocol -- --include-ignored --skip installed_package

## The .deb from `make bundle`, installed with dpkg, started from its desktop
## entry in the headless session, then purged (needs root or passwordless sudo).
test-package: bundle
	TAURI_CONFIG='$(TEST_TAURI_CONFIG)' $(SESSION) \
		cargo test --features custom-protocol --test package -- --include-ignored

## Only the end-to-end tests (real app, real window, WebKitWebDriver).
e2e: ui
	TAURI_CONFIG='$(TEST_TAURI_CONFIG)' $(SESSION) \
		cargo test --features custom-protocol --test e2e -- --include-ignored

## The README's pictures, from the last end-to-end run (run `make e2e` first).
screenshots:
	scripts/screenshots.sh

## Every figure users feel, beside its floor measured in the same run: start-up
## and memory of the shipped binary against MiniBrowser and a hello-world Tauri
## window, search, list-all, tray, sizes. Prints the table and writes it to
## $(CARGO_TARGET_DIR)/bench/results.md. Run as root (the app's memory map is
## closed to other users).
## It reuses the release build: the floor and the harness (crates/desk-bench)
## are release builds too, and the harness has no Tauri in it.
bench: bundle
	# Apart: built together, their dependencies would unify into another Tauri build.
	cargo build --release -p hello-floor
	cargo build --release -p desk-bench
	$(SESSION) $(CARGO_TARGET_DIR)/release/desk-bench

## A .deb and an .rpm with the desktop entry and icons, in
## $(CARGO_TARGET_DIR)/release/bundle/{deb,rpm}.
bundle: deps
	# The CLI runs from the root, where tauri.conf.json is.
	ui/node_modules/.bin/tauri build --bundles deb,rpm
	scripts/repack-deb.sh $(CARGO_TARGET_DIR)/release/bundle/deb

## Regenerate ui/src/lib/bindings.ts after changing a command.
bindings: ui
	TOKEN_DESK_WRITE_BINDINGS=1 TAURI_CONFIG='$(TEST_TAURI_CONFIG)' \
		cargo test --features custom-protocol --test bindings
