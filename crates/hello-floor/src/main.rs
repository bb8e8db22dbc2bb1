//! A hello-world Tauri window: Tauri's runtime and one WebKitGTK webview showing
//! a static page, nothing else. `make bench` times its first paint and reads
//! its memory as the floor Token Desk is compared with.

fn main() {
    if let Err(error) = tauri::Builder::default().run(tauri::generate_context!()) {
        // Only a benchmark runs this; its harness reads the exit status.
        #[allow(clippy::print_stderr, reason = "no log to write to")]
        {
            eprintln!("hello-floor could not start: {error}");
        }
        std::process::exit(1);
    }
}
