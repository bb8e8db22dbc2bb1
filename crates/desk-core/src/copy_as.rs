//! The shapes a token's value can be copied in. Each is what a person would
//! paste somewhere: a header, a shell line, a curl command that works as is.

use serde::Deserialize;
use zeroize::Zeroizing;

/// How to copy a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CopyFormat {
    /// The value alone: `idt:TKN-…:…`.
    #[default]
    Value,
    /// `Authorization: Bearer idt:TKN-…:…`.
    AuthorizationHeader,
    /// `export MPT_API_TOKEN=idt:TKN-…:…`.
    ShellExport,
    /// A `curl` command that reads the token itself from its connection's API.
    Curl,
    /// The token's id (`TKN-…`), which is not secret.
    TokenId,
    /// The API address of the token's connection, which is not secret.
    ApiBaseUrl,
}

impl CopyFormat {
    /// Whether the copied text holds the secret (everything but the id and the address).
    pub fn is_secret(self) -> bool {
        !matches!(self, Self::TokenId | Self::ApiBaseUrl)
    }

    /// What the clipboard holds after a copy, in words ("the curl command for Billing export").
    pub fn describe(self, token_name: &str) -> String {
        match self {
            Self::Value => format!("the value of {token_name}"),
            Self::AuthorizationHeader => format!("the Authorization header for {token_name}"),
            Self::ShellExport => format!("the export line for {token_name}"),
            Self::Curl => format!("the curl command for {token_name}"),
            Self::TokenId => format!("the ID of {token_name}"),
            Self::ApiBaseUrl => "the API address".to_owned(),
        }
    }

    /// The text to copy. `value` is the token's secret, `base_url` the API
    /// address of its connection, as the client normalised it.
    pub fn render(self, value: &str, token_id: &str, base_url: &str) -> Zeroizing<String> {
        let base_url = base_url.trim_end_matches('/');
        Zeroizing::new(match self {
            Self::Value => value.to_owned(),
            Self::AuthorizationHeader => format!("Authorization: Bearer {value}"),
            Self::ShellExport => format!("export MPT_API_TOKEN={value}"),
            Self::Curl => format!(
                "curl --fail-with-body -sS -H {} {}",
                shell_quoted(&format!("Authorization: Bearer {value}")),
                shell_quoted(&format!("{base_url}/public/v1/accounts/api-tokens/{token_id}"))
            ),
            Self::TokenId => token_id.to_owned(),
            Self::ApiBaseUrl => base_url.to_owned(),
        })
    }
}

/// `text` in single quotes for a POSIX shell: nothing inside is interpreted,
/// and a `'` in it (a proxy's path may hold one) is closed, escaped, reopened.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "idt:TKN-1234-5678:AbCdEf0123456789";

    #[test]
    fn every_format_byte_for_byte() {
        let render = |format: CopyFormat| format.render(VALUE, "TKN-1234-5678", "https://api.s1.show/").to_string();
        assert_eq!(render(CopyFormat::Value), VALUE);
        assert_eq!(render(CopyFormat::AuthorizationHeader), "Authorization: Bearer idt:TKN-1234-5678:AbCdEf0123456789");
        assert_eq!(render(CopyFormat::ShellExport), "export MPT_API_TOKEN=idt:TKN-1234-5678:AbCdEf0123456789");
        assert_eq!(
            render(CopyFormat::Curl),
            "curl --fail-with-body -sS -H 'Authorization: Bearer idt:TKN-1234-5678:AbCdEf0123456789' \
             'https://api.s1.show/public/v1/accounts/api-tokens/TKN-1234-5678'"
        );
        assert_eq!(render(CopyFormat::TokenId), "TKN-1234-5678");
        assert_eq!(render(CopyFormat::ApiBaseUrl), "https://api.s1.show");
    }

    #[test]
    fn a_quote_in_the_address_cannot_break_out_of_the_curl_command() {
        let curl = CopyFormat::Curl.render(VALUE, "TKN-1234-5678", "https://proxy.example.com/o'brien");
        assert!(
            curl.ends_with(r"'https://proxy.example.com/o'\''brien/public/v1/accounts/api-tokens/TKN-1234-5678'"),
            "{}",
            *curl
        );
    }

    #[test]
    fn only_the_id_is_not_secret() {
        for format in [CopyFormat::Value, CopyFormat::AuthorizationHeader, CopyFormat::ShellExport, CopyFormat::Curl] {
            assert!(format.is_secret(), "{format:?}");
        }
        assert!(!CopyFormat::TokenId.is_secret());
        assert!(!CopyFormat::ApiBaseUrl.is_secret());
    }
}
