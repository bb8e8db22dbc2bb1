//! The client: configuration, construction, and the JSON request helpers the resource
//! modules (`tokens`, `modules`, `audit`) are written with.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::base_url::BaseUrl;
use crate::error::{Error, ErrorKind};
use crate::models::{ListEnvelope, ListItem, Page};
use crate::retry::RetryPolicy;
use crate::rql::Query;
use crate::secret::ApiSecret;
use crate::transport::{self, Answer, TransportSettings};

/// Everything a [`Client`] is built from.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The Marketplace API address, e.g. `https://api.platform.softwareone.com`. A trailing
    /// `/`, `/public` or `/public/v1` is accepted and dropped; only `https` is allowed.
    pub base_url: String,
    /// The API token secret every request is authenticated with.
    pub secret: ApiSecret,
    /// PEM certificates trusted in addition to the platform's roots (a corporate proxy's CA,
    /// the simulator's CA).
    pub extra_ca_pems: Vec<String>,
    /// Longest wait for a connection to open.
    pub connect_timeout: Duration,
    /// Longest time for one attempt, from sending to the end of the answer.
    pub request_timeout: Duration,
    /// When and how failed requests are retried.
    pub retry: RetryPolicy,
    /// Pages fetched at the same time by the list-all operations.
    pub list_concurrency: usize,
    /// Items per page in the list-all operations (the platform caps it at 100).
    pub page_size: u32,
    /// The app version sent in the User-Agent (`token-desk/<version>`).
    pub app_version: String,
    /// Largest success body read, in bytes (default [`ClientConfig::DEFAULT_MAX_BODY_BYTES`]);
    /// a longer one is an [`ErrorKind::Undecodable`] error, whatever its `Content-Length` says.
    pub max_body_bytes: usize,
}

impl ClientConfig {
    /// 16 MiB: a page of 100 tokens is tens of kilobytes, so this leaves room for any real
    /// answer while bounding what a broken or hostile server can make the client hold.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

    /// A configuration with the defaults: 10 s to connect, 30 s per attempt, the default
    /// retry policy, 8 pages at a time of 100 items, bodies up to 16 MiB.
    pub fn new(base_url: impl Into<String>, secret: ApiSecret) -> Self {
        Self {
            base_url: base_url.into(),
            secret,
            extra_ca_pems: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            list_concurrency: 8,
            page_size: 100,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Adds a PEM certificate to trust.
    pub fn with_extra_ca_pem(mut self, pem: impl Into<String>) -> Self {
        self.extra_ca_pems.push(pem.into());
        self
    }
}

/// A typed HTTPS client of the Marketplace REST API, authenticated with one API token.
///
/// Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: BaseUrl,
    secret: ApiSecret,
    retry: RetryPolicy,
    list_concurrency: usize,
    page_size: u32,
    max_body_bytes: usize,
    /// The server answered 400 to `select=-field` and took the query without it: later
    /// queries leave such entries out from the start (docs/marketplace-api.md §5.7).
    subtractive_select_refused: AtomicBool,
}

impl Client {
    /// Builds a client. Fails, without sending anything, on a non-https URL, an unusable CA
    /// certificate or a missing trust store.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let base_url = BaseUrl::parse(&config.base_url)?;
        let user_agent = format!("token-desk/{}", config.app_version);
        let http = transport::build_http_client(&TransportSettings {
            extra_ca_pems: &config.extra_ca_pems,
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
            user_agent: &user_agent,
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                secret: config.secret,
                retry: config.retry,
                list_concurrency: config.list_concurrency.max(1),
                page_size: config.page_size.clamp(1, 100),
                max_body_bytes: config.max_body_bytes,
                subtractive_select_refused: AtomicBool::new(false),
            }),
        })
    }

    /// The normalised base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    pub(crate) fn secret(&self) -> &ApiSecret {
        &self.inner.secret
    }

    pub(crate) fn list_concurrency(&self) -> usize {
        self.inner.list_concurrency
    }

    pub(crate) fn page_size(&self) -> u32 {
        self.inner.page_size
    }

    async fn send(&self, method: Method, path: &str, query: &str, body: Option<bytes::Bytes>) -> Result<Answer, Error> {
        let url = self.inner.base_url.join(path, query)?;
        let inner = &self.inner;
        transport::send(&inner.http, &inner.retry, &inner.secret, inner.max_body_bytes, method, url, body).await
    }

    fn decode<T: DeserializeOwned>(&self, answer: &Answer) -> Result<T, Error> {
        serde_json::from_slice(&answer.body)
            .map_err(|cause| Error::undecodable(&answer.body, &cause, Some(&self.inner.secret)))
    }

    /// `GET path?query`, decoded as `T`.
    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str, query: &str) -> Result<T, Error> {
        let answer = self.send(Method::GET, path, query, None).await?;
        self.decode(&answer)
    }

    /// One page of a list: `GET path?query`, decoded from the list envelope.
    pub(crate) async fn get_page<T: ListItem>(&self, path: &str, query: &Query) -> Result<Page<T>, Error> {
        let (envelope, dropped) = self.get_selecting::<ListEnvelope<T>>(path, query).await?;
        let mut page = Page::from(envelope);
        if !dropped.is_empty() {
            page.items.iter_mut().for_each(|item| item.forget_omitted(&dropped));
        }
        Ok(page)
    }

    /// One object: `GET path?query`; fields the query subtracts but the server had to send
    /// anyway are dropped as soon as it is decoded.
    pub(crate) async fn get_item<T: ListItem>(&self, path: &str, query: &Query) -> Result<T, Error> {
        let (mut item, dropped) = self.get_selecting::<T>(path, query).await?;
        if !dropped.is_empty() {
            item.forget_omitted(&dropped);
        }
        Ok(item)
    }

    /// `GET path?query`, decoded. Where the server refuses the subtractive form of `select`
    /// with a 400, asks once more without it and remembers that for this client; the answer
    /// then carries fields the caller asked to leave out, which are returned for it to drop.
    async fn get_selecting<T: DeserializeOwned>(&self, path: &str, query: &Query) -> Result<(T, Vec<String>), Error> {
        let subtracted = query.subtracted_fields();
        if subtracted.is_empty() {
            return Ok((self.get(path, &query.to_query_string()?).await?, subtracted));
        }
        let refused = &self.inner.subtractive_select_refused;
        let plain = query.clone().without_subtractions().to_query_string()?;
        if refused.load(Ordering::Relaxed) {
            return Ok((self.get(path, &plain).await?, subtracted));
        }
        match self.get(path, &query.to_query_string()?).await {
            Err(error) if error.status() == Some(400) => {
                let answer = self.get(path, &plain).await?;
                if !refused.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        fields = ?subtracted,
                        "the Marketplace refused select=-field; asking without it and dropping those fields on arrival"
                    );
                }
                Ok((answer, subtracted))
            }
            other => Ok((other?, Vec::new())),
        }
    }

    /// `method path` with a JSON body (or none), decoded as `T`.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, Error> {
        let body = body
            .map(|body| {
                serde_json::to_vec(body).map(bytes::Bytes::from).map_err(|cause| {
                    Error::new(ErrorKind::InvalidConfiguration, format!("The request could not be encoded ({cause})."))
                })
            })
            .transpose()?;
        let answer = self.send(method, path, "", body).await?;
        self.decode(&answer)
    }

    /// `method path` expecting no content back (delete answers 204).
    pub(crate) async fn send_without_answer(&self, method: Method, path: &str) -> Result<(), Error> {
        let answer = self.send(method, path, "", None).await?;
        tracing::debug!(status = answer.status.as_u16(), path, "Marketplace request done");
        Ok(())
    }
}

/// `collection/{id}`, the id percent-encoded so that it stays one path segment.
///
/// Refused with [`ErrorKind::InvalidId`], before anything is sent, is an id that would change
/// which address is asked for: empty; `.` or `..`, which the URL library resolves as dot
/// segments even percent-encoded (`%2e%2E` becomes `..`, dropping the collection from the
/// path); or holding `/`, `\`, `?`, `#` or a control character. Each check is made on the
/// id as given and after every further percent-decoding, since a server or proxy may decode
/// more than once.
pub(crate) fn item_path(collection: &str, id: &str) -> Result<String, Error> {
    check_id(id)?;
    let id = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        // Ids are `TKN-1234-5678`: keep their dashes readable in logs.
        .replace("%2D", "-");
    Ok(format!("{collection}/{id}"))
}

/// Why `id` cannot be a path segment, if it cannot.
fn check_id(id: &str) -> Result<(), Error> {
    let refuse = |reason: &str| {
        Err(Error::new(
            ErrorKind::InvalidId,
            format!("{reason}: it would change which address is asked for, so nothing was sent."),
        ))
    };
    if id.is_empty() {
        return Err(Error::new(ErrorKind::InvalidId, "An object id can't be empty; nothing was sent."));
    }
    let mut text = std::borrow::Cow::Borrowed(id);
    loop {
        if text == "." || text == ".." {
            return refuse("An object id can't be '.' or '..', written plainly or percent-encoded");
        }
        if text.contains(['/', '\\', '?', '#']) || text.chars().any(char::is_control) {
            return refuse(
                "An object id can't contain /, \\, ?, # or control characters, written plainly or percent-encoded",
            );
        }
        // Each decoding that changes something shortens the text, so this ends.
        let decoded = percent_encoding::percent_decode_str(&text).decode_utf8_lossy().into_owned();
        if decoded == text {
            return Ok(());
        }
        text = std::borrow::Cow::Owned(decoded);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKENS: &str = "/public/v1/accounts/api-tokens";

    /// The path of the URL the client would request for `id`: what the server would see.
    fn final_path(id: &str) -> Result<String, Error> {
        let base = BaseUrl::parse("https://api.example.com").expect("valid base");
        Ok(base.join(&item_path(TOKENS, id)?, "")?.path().to_owned())
    }

    #[test]
    fn the_url_library_resolves_encoded_dot_segments() {
        // Why encoding alone is not enough: `%2E%2E` is read as `..` and removes a segment.
        for segment in ["..", "%2E%2E", "%2e%2E", ".%2E", "%2e."] {
            let url = reqwest::Url::parse(&format!("https://h{TOKENS}/{segment}")).expect("parses");
            assert_eq!(url.path(), "/public/v1/accounts/", "{segment}");
        }
    }

    #[test]
    fn item_ids_stay_one_segment_of_the_final_url() {
        assert_eq!(final_path("TKN-1234-5678").ok().as_deref(), Some("/public/v1/accounts/api-tokens/TKN-1234-5678"));
        for (id, segment) in [
            ("TKN 1", "TKN%201"),
            ("...", "%2E%2E%2E"),
            ("it's", "it%27s"),
            ("é", "%C3%A9"),
            ("a%b", "a%25b"),
            ("..x", "%2E%2Ex"),
        ] {
            assert_eq!(final_path(id).ok(), Some(format!("{TOKENS}/{segment}")), "{id}");
        }
    }

    #[test]
    fn ids_that_would_change_the_address_are_refused() {
        for id in [
            "",
            ".",
            "..",
            "%2e%2E",
            ".%2E",
            "%2E.",
            "%2e",
            "%252e%252E",
            "%25252E.",
            "a/b",
            "../admin?y=1",
            "a\\b",
            "TKN?x=1",
            "TKN#x",
            "%2F",
            "a%2fb",
            "%5C",
            "%3F",
            "%23",
            "%252F",
            "a\nb",
            "%0A",
            "TKN-1/enable",
        ] {
            let error = final_path(id).expect_err(id);
            assert_eq!(error.kind(), ErrorKind::InvalidId, "{id:?}");
            let text = error.to_string();
            assert!(text.starts_with("The object id cannot be used in a request. An object id can't "), "{text}");
            assert!(text.ends_with("nothing was sent."), "{text}");
        }
    }

    /// Whether `id`, as given or after some percent-decodings, is a dot segment or holds a
    /// character that ends or leaves a path segment.
    fn changes_the_address(id: &str) -> bool {
        let mut text = id.to_owned();
        for _ in 0..=id.len() {
            if text.is_empty()
                || text == "."
                || text == ".."
                || text.chars().any(|c| "/\\?#".contains(c) || c.is_control())
            {
                return true;
            }
            text = percent_encoding::percent_decode_str(&text).decode_utf8_lossy().into_owned();
        }
        false
    }

    mod any_id {
        use proptest::prelude::*;

        use super::{ErrorKind, TOKENS, changes_the_address, final_path};

        fn awkward_id() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                proptest::sample::select(vec![
                    ".", "%2e", "%2E", "%25", "2e", "/", "%2F", "\\", "?", "#", "%", "a", " ", "\n"
                ])
                .prop_map(str::to_owned),
                any::<String>(),
            ];
            proptest::collection::vec(piece, 0..4).prop_map(|parts| parts.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

            #[test]
            fn is_refused_for_a_reason_or_is_exactly_one_segment(id in awkward_id()) {
                match final_path(&id) {
                    Err(error) => {
                        prop_assert_eq!(error.kind(), ErrorKind::InvalidId);
                        prop_assert!(changes_the_address(&id), "refused without reason: {:?}", id);
                    }
                    Ok(path) => {
                        prop_assert!(!changes_the_address(&id), "{:?} became {}", id, path);
                        let prefix = format!("{TOKENS}/");
                        prop_assert!(path.starts_with(&prefix), "{:?} left the collection: {}", id, path);
                        let segment = &path[prefix.len()..];
                        prop_assert!(!segment.contains('/') && segment != "." && segment != "..", "{}", path);
                        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned();
                        prop_assert_eq!(decoded, id);
                    }
                }
            }
        }
    }

    #[test]
    fn a_plain_http_address_is_refused_before_anything_is_sent() {
        let config = ClientConfig::new("http://127.0.0.1:9", ApiSecret::new("idt:TKN-1234-5678:x"));
        let error = Client::new(config).expect_err("http refused");
        assert_eq!(error.kind(), ErrorKind::InvalidConfiguration);
    }

    #[test]
    fn config_debug_does_not_show_the_secret() {
        let config = ClientConfig::new("https://h", ApiSecret::new("idt:TKN-1234-5678:verysecretvalue"));
        assert!(!format!("{config:?}").contains("verysecretvalue"));
    }
}
