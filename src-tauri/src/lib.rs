//! The Token Desk desktop shell: wires `desk-core` to windows, the tray, the
//! clipboard and IPC. Logic lives in the Tauri-free crates; this crate only
//! adapts.

mod clipboard;
pub mod command_names;
pub mod commands;
pub mod events;
pub mod ipc;
mod logging;
mod native;
mod navigation;
mod schedules;
mod session;
mod shutdown;
mod tray;
mod tray_actions;
mod window;

use std::sync::Arc;

use desk_core::{Desk, DeskConfig, OsKeychain};
use tauri::{App, Manager, RunEvent, Runtime};

/// Starts the desktop app and returns when it quits. `core_dumps` says
/// whether `main` could forbid core dumps, for the log.
#[allow(clippy::print_stderr, reason = "when the app cannot start, logging may not be set up: stderr says why")]
pub fn run(core_dumps: Result<(), String>) {
    let ipc = ipc::specta_builder();
    let app = tauri::Builder::default()
        // Registered first so a second launch only focuses the running app
        // before any other plugin does work.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| window::show_main(app)))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation::guard())
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            logging::init(app.path().app_log_dir().ok().as_deref());
            tracing::info!("Token Desk {} starting", app.package_info().version);
            match &core_dumps {
                Ok(()) => tracing::info!("core dumps are off for this process"),
                Err(problem) => tracing::warn!("core dumps could not be turned off: {problem}"),
            }
            if std::env::var_os(desk_core::rendering::DISABLE_COMPOSITING).is_some_and(|value| value != "0") {
                tracing::info!("WebKit draws without compositing (no GPU render node, or the user said so)");
            }
            let mut config = DeskConfig::new(app.path().app_config_dir()?, app.package_info().version.to_string());
            config.grace_override = schedules::grace_override();
            if let Some(limit) = session::unlock_timeout_override() {
                config.unlock_timeout = limit;
            }
            let clipboard = Arc::new(clipboard::PluginClipboard(app.handle().clone()));
            let mut desk = Desk::open(config, Arc::new(OsKeychain::new())).with_clipboard(clipboard)?;
            if let Some(check) = desk_core::system_presence_check() {
                desk = desk.with_presence_check(check);
            }
            let desk = Arc::new(desk);
            // The keychain and the TLS set-up, while the webview loads.
            tauri::async_runtime::spawn({
                let desk = desk.clone();
                async move { desk.prepare_active_connection().await }
            });
            install_ipc(app, &ipc, desk.clone());
            schedules::start(app.handle(), desk.clone());
            session::watch(desk.clone());
            shutdown::exit_on_termination_signals(app.handle());
            // The window works without a tray: a tray that fails to build is logged, not fatal.
            let has_tray = tray::install(app.handle(), &desk).unwrap_or_else(|error| {
                tracing::warn!("starting without a tray icon: it could not be created ({error})");
                false
            });
            app.manage(window::TrayInstalled(has_tray));
            #[cfg(target_os = "linux")]
            window::log_windowing_system(app.handle());
            window::title_after_connection(app.handle(), &desk);
            Ok(())
        })
        .on_window_event(window::on_event)
        .build(context());
    match app {
        Ok(app) => app.run(|app, event| match event {
            // The last window closed: quit the same way as from the tray, so a
            // copied value does not stay on the clipboard. `quit` exits with a
            // code, which passes here.
            RunEvent::ExitRequested { code: None, api, .. } => {
                api.prevent_exit();
                tauri::async_runtime::spawn(shutdown::quit(app.clone()));
            }
            RunEvent::Exit => tracing::info!("Token Desk stopped cleanly"),
            _ => {}
        }),
        Err(error) => {
            // Logging may not be set up yet: say it on stderr for sure.
            eprintln!("Token Desk could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// The app's generated context: its config, assets and access-control lists.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Makes the desk available to commands and forwards its events to the
/// windows. Shared by the app and the IPC tests.
pub fn install_ipc<R: Runtime>(app: &mut App<R>, ipc: &tauri_specta::Builder<R>, desk: Arc<Desk>) {
    ipc.mount_events(app);
    events::forward(app.handle(), desk.clone());
    app.manage(desk);
}
