//! The webview may show only Token Desk's own pages. A link, a redirect or an
//! injected script that tries to navigate anywhere else is refused: another
//! page in this window would get the app's IPC.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime, Url};

/// A plugin whose only job is to refuse navigation away from the app.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            let dev_url = webview.app_handle().config().build.dev_url.clone();
            let allowed = is_app_page(url, dev_url.as_ref());
            if !allowed {
                tracing::warn!(
                    "refused to navigate the window away from Token Desk to {}",
                    url.origin().ascii_serialization()
                );
            }
            allowed
        })
        .build()
}

/// True for the bundled UI (`tauri://localhost` on Linux and macOS,
/// `http(s)://tauri.localhost` on Windows) and, in a development build, the
/// dev server.
pub fn is_app_page(url: &Url, dev_url: Option<&Url>) -> bool {
    let bundled = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    let dev_server = cfg!(debug_assertions) && dev_url.is_some_and(|dev| dev.origin() == url.origin());
    bundled || dev_server
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        let dev = url("http://localhost:1420");
        for allowed in ["tauri://localhost/", "tauri://localhost/index.html#/tokens", "http://tauri.localhost/"] {
            assert!(is_app_page(&url(allowed), Some(&dev)), "{allowed}");
        }
        for refused in [
            "https://example.com/",
            "https://tauri.localhost.evil.example/",
            "tauri://evil/",
            "file:///etc/passwd",
            "http://localhost:1421/",
            "data:text/html,<p>hi</p>",
        ] {
            assert!(!is_app_page(&url(refused), Some(&dev)), "{refused}");
        }
        assert_eq!(
            is_app_page(&url("http://localhost:1420/"), Some(&dev)),
            cfg!(debug_assertions),
            "the dev server, in dev builds only"
        );
    }
}
