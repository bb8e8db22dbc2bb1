//! The base URL: https only, normalised as SoftwareOne's own Python client and CLI do.

use reqwest::Url;

use crate::error::{Error, ErrorKind};

/// `input` as the client normalises a Marketplace address (`https://host[:port][/prefix]`,
/// lower-case, no default port, no trailing `/`, `/public` or `/public/v1`), or `None` when
/// the client would refuse it. Two addresses name the same Marketplace when these agree.
pub fn normalized_base_url(input: &str) -> Option<String> {
    BaseUrl::parse(input).ok().map(|base| base.0)
}

/// The normalised base (`https://host[:port][/prefix]`, no trailing `/`), to which every
/// request appends its `/public/v1/…` path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl(String);

impl BaseUrl {
    /// Parses and normalises `input`: surrounding whitespace, a trailing `/`, `/public` or
    /// `/public/v1` are dropped. Anything but an absolute `https` URL with a host is refused
    /// here, before any request can be sent.
    pub(crate) fn parse(input: &str) -> Result<Self, Error> {
        let trimmed = input.trim();
        let url = Url::parse(trimmed).map_err(|cause| {
            Error::new(
                ErrorKind::InvalidConfiguration,
                format!("The Marketplace address is not a valid URL ({cause})."),
            )
        })?;
        if url.scheme() != "https" {
            return Err(Error::new(
                ErrorKind::InvalidConfiguration,
                format!(
                    "The Marketplace address must start with https:// (got {}://); plain connections are refused.",
                    url.scheme()
                ),
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::new(ErrorKind::InvalidConfiguration, "The Marketplace address has no host."));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::new(
                ErrorKind::InvalidConfiguration,
                "The Marketplace address must not contain a user name or password.",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::new(
                ErrorKind::InvalidConfiguration,
                "The Marketplace address must not contain a query (?…) or fragment (#…).",
            ));
        }
        let mut path = url.path().trim_end_matches('/');
        for suffix in ["/public/v1", "/public"] {
            if let Some(stripped) = path.strip_suffix(suffix) {
                path = stripped;
                break;
            }
        }
        let path = path.trim_end_matches('/');
        // `Url` has already lower-cased the scheme and host and dropped a default port.
        let origin = url.origin().ascii_serialization();
        Ok(Self(format!("{origin}{path}")))
    }

    /// The normalised text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The full URL of `path` (which starts with `/`) with an optional raw query string.
    pub(crate) fn join(&self, path: &str, query: &str) -> Result<Url, Error> {
        let text = if query.is_empty() { format!("{}{path}", self.0) } else { format!("{}{path}?{query}", self.0) };
        Url::parse(&text).map_err(|cause| {
            Error::new(ErrorKind::InvalidConfiguration, format!("A request URL could not be built ({cause})."))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_what_the_official_client_strips() {
        for input in [
            "https://api.platform.softwareone.com",
            "https://api.platform.softwareone.com/",
            "https://api.platform.softwareone.com/public",
            "https://api.platform.softwareone.com/public/",
            "https://api.platform.softwareone.com/public/v1",
            "https://api.platform.softwareone.com/public/v1/",
            "  HTTPS://API.platform.softwareone.com:443/public/v1\n",
        ] {
            assert_eq!(
                BaseUrl::parse(input).map(|b| b.as_str().to_owned()).ok().as_deref(),
                Some("https://api.platform.softwareone.com"),
                "{input:?}"
            );
        }
    }

    #[test]
    fn keeps_ports_and_prefixes() {
        let base = BaseUrl::parse("https://127.0.0.1:8443/proxy/public/v1").expect("valid");
        assert_eq!(base.as_str(), "https://127.0.0.1:8443/proxy");
        let url = base.join("/public/v1/accounts/api-tokens", "limit=1").expect("joins");
        assert_eq!(url.as_str(), "https://127.0.0.1:8443/proxy/public/v1/accounts/api-tokens?limit=1");
    }

    #[test]
    fn refuses_anything_but_https() {
        for input in
            ["http://api.s1.show", "ftp://x", "api.s1.show", "", "https://", "https://u:p@host", "https://h/?a=1"]
        {
            let error = BaseUrl::parse(input).expect_err(input);
            assert_eq!(error.kind(), ErrorKind::InvalidConfiguration, "{input}");
        }
        let error = BaseUrl::parse("http://api.s1.show").expect_err("http");
        assert!(error.to_string().contains("must start with https://"), "{error}");
    }
}
