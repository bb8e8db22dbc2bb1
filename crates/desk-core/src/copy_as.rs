//! The shapes a token's value can be copied in. Each is what a person would
//! paste somewhere: a header, a shell line, a curl command that works as is.

use serde::Deserialize;

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
}

impl CopyFormat {
    /// Whether the copied text holds the secret (everything but the id).
    pub fn is_secret(self) -> bool {
        self != Self::TokenId
    }

    /// What the clipboard holds after a copy, in words ("the curl command for Billing export").
    pub fn describe(self, token_name: &str) -> String {
        match self {
            Self::Value => format!("the value of {token_name}"),
            Self::AuthorizationHeader => format!("the Authorization header for {token_name}"),
            Self::ShellExport => format!("the export line for {token_name}"),
            Self::Curl => format!("the curl command for {token_name}"),
            Self::TokenId => format!("the ID of {token_name}"),
        }
    }

    /// The text to copy. `value` is the token's secret, `base_url` the API
    /// address of its connection (without a trailing slash).
    pub fn render(self, value: &str, token_id: &str, base_url: &str) -> String {
        match self {
            Self::Value => value.to_owned(),
            Self::AuthorizationHeader => format!("Authorization: Bearer {value}"),
            Self::ShellExport => format!("export MPT_API_TOKEN={value}"),
            // Single quotes: the shell leaves everything inside alone, and
            // neither a token value nor an https URL contains one.
            Self::Curl => format!(
                "curl --fail-with-body -sS -H 'Authorization: Bearer {value}' '{}/public/v1/accounts/api-tokens/{token_id}'",
                base_url.trim_end_matches('/')
            ),
            Self::TokenId => token_id.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "idt:TKN-1234-5678:AbCdEf0123456789";

    #[test]
    fn every_format_byte_for_byte() {
        let render = |format: CopyFormat| format.render(VALUE, "TKN-1234-5678", "https://api.s1.show/");
        assert_eq!(render(CopyFormat::Value), VALUE);
        assert_eq!(render(CopyFormat::AuthorizationHeader), "Authorization: Bearer idt:TKN-1234-5678:AbCdEf0123456789");
        assert_eq!(render(CopyFormat::ShellExport), "export MPT_API_TOKEN=idt:TKN-1234-5678:AbCdEf0123456789");
        assert_eq!(
            render(CopyFormat::Curl),
            "curl --fail-with-body -sS -H 'Authorization: Bearer idt:TKN-1234-5678:AbCdEf0123456789' \
             'https://api.s1.show/public/v1/accounts/api-tokens/TKN-1234-5678'"
        );
        assert_eq!(render(CopyFormat::TokenId), "TKN-1234-5678");
    }

    #[test]
    fn only_the_id_is_not_secret() {
        for format in [CopyFormat::Value, CopyFormat::AuthorizationHeader, CopyFormat::ShellExport, CopyFormat::Curl] {
            assert!(format.is_secret(), "{format:?}");
        }
        assert!(!CopyFormat::TokenId.is_secret());
    }
}
