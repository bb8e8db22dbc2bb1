//! The webview may show only Token Desk's own pages. A link, a redirect or an
//! injected script that tries to navigate anywhere else is refused: another
//! page in this window would get the app's IPC.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime, Url};

/// A plugin whose only job is to refuse navigation away from the app.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            let config = webview.app_handle().config();
            let https = config.app.windows.iter().any(|window| window.use_https_scheme);
            let own = AppOrigin::of_this_platform(https);
            let allowed = own.admits(url) || is_dev_server(url, config.build.dev_url.as_ref());
            if !allowed {
                tracing::warn!(
                    "refused to navigate the window away from Token Desk to {}://{}",
                    url.scheme(),
                    url.host_str().unwrap_or("")
                );
            }
            allowed
        })
        .build()
}

/// Where the bundled UI is served from. Exactly one origin per platform: on
/// Linux and macOS `http://tauri.localhost` is not the app but a real loopback
/// name any local server can answer, so it is refused there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppOrigin {
    /// `tauri://localhost` (Linux, macOS).
    CustomScheme,
    /// `http://tauri.localhost`, or `https://` when the window asks for it (Windows).
    Localhost { https: bool },
}

impl AppOrigin {
    /// The origin this build's webview serves the UI from.
    pub fn of_this_platform(use_https_scheme: bool) -> Self {
        if cfg!(windows) { AppOrigin::Localhost { https: use_https_scheme } } else { AppOrigin::CustomScheme }
    }

    /// True when `url` has this whole origin: scheme, host and port. A URL
    /// with any explicit port is another origin, even the scheme's default.
    pub fn admits(self, url: &Url) -> bool {
        let (scheme, host) = match self {
            AppOrigin::CustomScheme => ("tauri", "localhost"),
            AppOrigin::Localhost { https: true } => ("https", "tauri.localhost"),
            AppOrigin::Localhost { https: false } => ("http", "tauri.localhost"),
        };
        url.scheme() == scheme
            && url.host_str() == Some(host)
            && url.port().is_none()
            && url.username().is_empty()
            && url.password().is_none()
    }
}

/// In a development build only, the dev server's whole origin.
fn is_dev_server(url: &Url, dev_url: Option<&Url>) -> bool {
    cfg!(debug_assertions)
        && dev_url.is_some_and(|dev| {
            dev.scheme() == url.scheme()
                && dev.host_str() == url.host_str()
                && dev.port_or_known_default() == url.port_or_known_default()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn the_custom_scheme_origin_admits_only_itself() {
        let own = AppOrigin::CustomScheme;
        for allowed in ["tauri://localhost/", "tauri://localhost/index.html#/tokens"] {
            assert!(own.admits(&url(allowed)), "{allowed}");
        }
        for refused in [
            "http://tauri.localhost/",
            "https://tauri.localhost/",
            "tauri://localhost:8080/",
            "tauri://user@localhost/",
            "https://example.com/",
            "https://tauri.localhost.evil.example/",
            "tauri://evil/",
            "file:///etc/passwd",
            "data:text/html,<p>hi</p>",
        ] {
            assert!(!own.admits(&url(refused)), "{refused}");
        }
    }

    #[test]
    fn the_localhost_origin_checks_scheme_and_port() {
        let http = AppOrigin::Localhost { https: false };
        assert!(http.admits(&url("http://tauri.localhost/")));
        assert!(!http.admits(&url("https://tauri.localhost/")), "another scheme");
        assert!(!http.admits(&url("http://tauri.localhost:8080/")), "another port");
        assert!(!http.admits(&url("tauri://localhost/")), "the other platform's origin");
        let https = AppOrigin::Localhost { https: true };
        assert!(https.admits(&url("https://tauri.localhost/")));
        assert!(!https.admits(&url("http://tauri.localhost/")));
    }

    #[test]
    fn this_platform_has_one_origin() {
        if cfg!(windows) {
            assert_eq!(AppOrigin::of_this_platform(true), AppOrigin::Localhost { https: true });
        } else {
            assert_eq!(AppOrigin::of_this_platform(true), AppOrigin::CustomScheme);
            assert!(!AppOrigin::of_this_platform(false).admits(&url("http://tauri.localhost/")));
        }
    }

    #[test]
    fn the_dev_server_is_its_whole_origin_in_dev_builds_only() {
        let dev = url("http://localhost:1420");
        assert_eq!(is_dev_server(&url("http://localhost:1420/x"), Some(&dev)), cfg!(debug_assertions));
        assert!(!is_dev_server(&url("http://localhost:1421/"), Some(&dev)));
        assert!(!is_dev_server(&url("https://localhost:1420/"), Some(&dev)));
        assert!(!is_dev_server(&url("http://localhost:1420/"), None));
    }
}
