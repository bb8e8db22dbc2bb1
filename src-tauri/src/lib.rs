//! The Token Desk desktop shell: wires `desk-core` to windows, the tray, the
//! clipboard and IPC. Logic lives in the Tauri-free crates; this crate only
//! adapts.

pub mod command_names;
pub mod commands;
pub mod ipc;
mod logging;
mod shutdown;
mod tray;
mod window;

use tauri::{Manager, RunEvent};

/// Starts the desktop app and returns when it quits.
pub fn run() {
    let bindings = ipc::specta_builder();
    let app = tauri::Builder::default()
        // Registered first so a second launch only focuses the running app
        // before any other plugin does work.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| window::show_main(app)))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(bindings.invoke_handler())
        .setup(move |app| {
            logging::init(app.path().app_log_dir().ok().as_deref());
            tracing::info!("Token Desk {} starting", app.package_info().version);
            bindings.mount_events(app);
            shutdown::exit_on_termination_signals(app.handle());
            tray::install(app.handle())?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_app, event| {
            if let RunEvent::Exit = event {
                tracing::info!("Token Desk stopped cleanly");
            }
        }),
        Err(error) => {
            // Logging may not be set up yet: say it on stderr for sure.
            eprintln!("Token Desk could not start: {error}");
            std::process::exit(1);
        }
    }
}
