//! The token list as it crosses to the window: the list's columns only, one
//! array per column.
//!
//! An operations admin's list holds 100,000 tokens. Sent as whole tokens, each
//! was some 450 bytes of JSON that the page parsed into five objects and
//! fourteen strings, only to copy the few it shows into its own row and drop
//! the rest: well over a hundred megabytes of garbage that the page's
//! JavaScript heap grew to hold. Column by column, a token is about 130 bytes;
//! the texts that rows repeat (states, creators, accounts) cross once per
//! batch, and dates cross as numbers.

use std::collections::HashMap;

use serde::Serialize;

use crate::connections::types::AccountSummary;
use crate::tokens::views::TokenView;

/// Tokens as the list shows them, column by column: the `n`th entry of every
/// column belongs to the `n`th token. Never a value, never modules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenRows {
    /// `TKN-NNNN-NNNN`.
    pub ids: Vec<String>,
    /// Display names.
    pub names: Vec<String>,
    /// Free text, when there is some (a remembered list keeps none).
    pub descriptions: Vec<Option<String>>,
    /// Each token's state: an index into `texts`.
    pub statuses: Vec<u32>,
    /// Last use, in milliseconds since 1970; `null`: never used, or not said.
    pub last_access: Vec<Option<f64>>,
    /// Creation, in milliseconds since 1970, when the platform said.
    pub created: Vec<Option<f64>>,
    /// Who created each token, by name: an index into `texts`, when the platform said.
    pub created_by: Vec<Option<u32>>,
    /// The account each token belongs to: an index into `accounts`.
    pub account_of: Vec<Option<u32>>,
    /// The states and creators' names the rows point to, each once.
    pub texts: Vec<String>,
    /// The accounts the rows point to, each once.
    pub accounts: Vec<AccountSummary>,
}

impl TokenRows {
    /// The rows of `tokens`, in their order.
    pub fn of(tokens: &[TokenView]) -> Self {
        let mut builder = RowsBuilder::with_capacity(tokens.len());
        for token in tokens {
            builder.push(token);
        }
        builder.rows
    }

    /// How many tokens.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The tokens read back across the columns, in order.
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).filter_map(|index| self.row(index))
    }

    /// The `index`th token, read across the columns: as the page reads them, an
    /// entry missing from a column cut short, or pointing past its table, is "not said".
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        let text = |at: Option<&u32>| self.texts.get(usize::try_from(*at?).ok()?).map(String::as_str);
        let account = self.account_of.get(index).copied().flatten();
        Some(Row {
            id: self.ids.get(index)?,
            name: self.names.get(index).map_or("", String::as_str),
            description: self.descriptions.get(index).and_then(Option::as_deref),
            status: text(self.statuses.get(index)).unwrap_or(""),
            last_access: self.last_access.get(index).copied().flatten(),
            created: self.created.get(index).copied().flatten(),
            created_by: text(self.created_by.get(index).and_then(Option::as_ref)),
            account: account.and_then(|at| self.accounts.get(usize::try_from(at).ok()?)),
        })
    }
}

/// One token's entries in [`TokenRows`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row<'a> {
    /// `TKN-NNNN-NNNN`.
    pub id: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Free text.
    pub description: Option<&'a str>,
    /// State, as the platform named it.
    pub status: &'a str,
    /// Last use, in milliseconds since 1970.
    pub last_access: Option<f64>,
    /// Creation, in milliseconds since 1970.
    pub created: Option<f64>,
    /// Who created it, by name.
    pub created_by: Option<&'a str>,
    /// The account it belongs to.
    pub account: Option<&'a AccountSummary>,
}

/// Fills the columns one token at a time, sharing the repeated texts.
struct RowsBuilder {
    rows: TokenRows,
    texts: HashMap<String, u32>,
    accounts: HashMap<(String, String, String), u32>,
}

impl RowsBuilder {
    fn with_capacity(count: usize) -> Self {
        let rows = TokenRows {
            ids: Vec::with_capacity(count),
            names: Vec::with_capacity(count),
            descriptions: Vec::with_capacity(count),
            statuses: Vec::with_capacity(count),
            last_access: Vec::with_capacity(count),
            created: Vec::with_capacity(count),
            created_by: Vec::with_capacity(count),
            account_of: Vec::with_capacity(count),
            texts: Vec::new(),
            accounts: Vec::new(),
        };
        Self { rows, texts: HashMap::new(), accounts: HashMap::new() }
    }

    fn push(&mut self, token: &TokenView) {
        let created = token.created.as_ref();
        let status = self.text(&token.status);
        let created_by = created
            .and_then(|stamp| stamp.by_name.as_deref())
            .filter(|name| !name.is_empty())
            .map(|name| self.text(name));
        let account = token.account.as_ref().map(|account| self.account(account));
        let rows = &mut self.rows;
        rows.ids.push(token.id.clone());
        rows.names.push(token.name.clone());
        rows.descriptions.push(token.description.clone());
        rows.statuses.push(status);
        rows.last_access.push(epoch_ms(token.last_access_at.as_deref()));
        rows.created.push(epoch_ms(created.and_then(|stamp| stamp.at.as_deref())));
        rows.created_by.push(created_by);
        rows.account_of.push(account);
    }

    fn text(&mut self, text: &str) -> u32 {
        if let Some(&index) = self.texts.get(text) {
            return index;
        }
        let index = index_of(self.rows.texts.len());
        self.rows.texts.push(text.to_owned());
        self.texts.insert(text.to_owned(), index);
        index
    }

    fn account(&mut self, account: &AccountSummary) -> u32 {
        let key = (account.id.clone(), account.name.clone(), account.account_type.clone());
        if let Some(&index) = self.accounts.get(&key) {
            return index;
        }
        let index = index_of(self.rows.accounts.len());
        self.rows.accounts.push(account.clone());
        self.accounts.insert(key, index);
        index
    }
}

/// A column index: a batch holds far fewer than four billion distinct texts.
fn index_of(length: usize) -> u32 {
    u32::try_from(length).unwrap_or(u32::MAX)
}

/// An RFC 3339 date (any offset, any fraction) as milliseconds since 1970;
/// `None` when absent or unreadable, which the list shows as "not said". The
/// page reads a token it gets whole by the same rules (`timeOf` in
/// `ui/src/lib/listed-token.ts`; both are held to `date-cases.json`).
///
/// Guessed: the reference documents RFC 3339 with an offset; a date without
/// one is read as UTC rather than dropped, since the platform's dates are UTC.
pub fn epoch_ms(date: Option<&str>) -> Option<f64> {
    let date = date?.trim();
    let at = chrono::DateTime::parse_from_rfc3339(date)
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(&format!("{date}Z")))
        .ok()?;
    // Exact: milliseconds since 1970 stay far below 2^53 for any date a token can carry.
    Some(at.timestamp_millis() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::views::Stamp;

    fn token(id: &str, status: &str, account: Option<&str>, created_by: Option<&str>) -> TokenView {
        TokenView {
            id: id.to_owned(),
            name: format!("Name of {id}"),
            description: (id.ends_with('1')).then(|| "first".to_owned()),
            status: status.to_owned(),
            last_access_at: Some("2026-11-30T10:00:00.250Z".to_owned()),
            account: account.map(|id| AccountSummary {
                id: id.to_owned(),
                name: format!("Account {id}"),
                account_type: "Vendor".to_owned(),
            }),
            modules: None,
            created: created_by.map(|name| Stamp {
                at: Some("2026-01-02T03:04:05+01:00".to_owned()),
                by_id: Some("USR-0000-0001".to_owned()),
                by_name: Some(name.to_owned()),
            }),
            updated: None,
        }
    }

    #[test]
    fn every_column_holds_one_entry_per_token_in_order() {
        let tokens = [
            token("TKN-0000-0001", "Active", Some("ACC-1"), Some("Ann")),
            token("TKN-0000-0002", "Disabled", Some("ACC-2"), None),
            token("TKN-0000-0003", "Active", None, Some("Ann")),
        ];
        let rows = TokenRows::of(&tokens);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows.ids, ["TKN-0000-0001", "TKN-0000-0002", "TKN-0000-0003"]);
        assert_eq!(rows.names[1], "Name of TKN-0000-0002");
        assert_eq!(rows.descriptions, [Some("first".to_owned()), None, None]);
        for column in [rows.statuses.len(), rows.last_access.len(), rows.created.len(), rows.created_by.len()] {
            assert_eq!(column, 3);
        }
        assert_eq!(rows.account_of.len(), 3);
        let read: Vec<_> =
            rows.iter().map(|row| (row.id, row.status, row.created_by, row.account.map(|a| a.id.as_str()))).collect();
        assert_eq!(
            read,
            [
                ("TKN-0000-0001", "Active", Some("Ann"), Some("ACC-1")),
                ("TKN-0000-0002", "Disabled", None, Some("ACC-2")),
                ("TKN-0000-0003", "Active", Some("Ann"), None),
            ]
        );
    }

    #[test]
    fn repeated_texts_and_accounts_cross_once() {
        let tokens: Vec<_> = (0..50)
            .map(|n| {
                token(
                    &format!("TKN-0000-{n:04}"),
                    if n % 2 == 0 { "Active" } else { "Disabled" },
                    Some("ACC-1"),
                    Some("Ann"),
                )
            })
            .collect();
        let rows = TokenRows::of(&tokens);
        assert_eq!(rows.texts, ["Active", "Ann", "Disabled"]);
        assert_eq!(rows.accounts.len(), 1);
        assert!(rows.account_of.iter().all(|account| *account == Some(0)));
        assert!(rows.created_by.iter().all(|by| *by == Some(1)));
    }

    #[test]
    fn dates_cross_as_milliseconds_whatever_their_offset() {
        let rows = TokenRows::of(&[token("TKN-0000-0001", "Active", None, Some("Ann"))]);
        // 2026-11-30T10:00:00.250Z and 2026-01-02T02:04:05Z.
        assert_eq!(rows.last_access, [Some(1_796_032_800_250.0)]);
        assert_eq!(rows.created, [Some(1_767_319_445_000.0)]);
        assert_eq!(epoch_ms(None), None);
    }

    /// One case of `date-cases.json`, which the page's `timeOf` is held to as well.
    #[derive(serde::Deserialize)]
    struct DateCase {
        text: String,
        ms: Option<f64>,
        why: String,
    }

    #[test]
    fn dates_are_read_by_the_rules_the_page_shares() {
        let cases: Vec<DateCase> =
            serde_json::from_str(include_str!("date-cases.json")).expect("the shared date cases");
        assert!(cases.len() > 10);
        for case in cases {
            assert_eq!(epoch_ms(Some(&case.text)), case.ms, "{:?}: {}", case.text, case.why);
        }
    }

    #[test]
    fn a_column_cut_short_or_an_index_past_its_table_reads_as_not_said() {
        let rows = TokenRows {
            ids: vec!["TKN-0000-0001".into(), "TKN-0000-0002".into()],
            names: vec!["Only one name".into()],
            statuses: vec![0, 7],
            created_by: vec![Some(3)],
            account_of: vec![None, Some(9)],
            texts: vec!["Active".into()],
            ..TokenRows::default()
        };
        let read: Vec<_> = rows.iter().map(|row| (row.id, row.name, row.status, row.created_by, row.account)).collect();
        assert_eq!(
            read,
            [("TKN-0000-0001", "Only one name", "Active", None, None), ("TKN-0000-0002", "", "", None, None)]
        );
    }

    #[test]
    fn an_empty_creator_name_is_not_said() {
        let mut nameless = token("TKN-0000-0001", "Active", None, Some(""));
        let rows = TokenRows::of(std::slice::from_ref(&nameless));
        assert_eq!(
            (rows.created_by.as_slice(), rows.texts.as_slice()),
            ([None].as_slice(), ["Active".to_owned()].as_slice())
        );
        nameless.created = None;
        assert_eq!(TokenRows::of(&[nameless]).created, [None]);
    }

    #[test]
    fn a_whole_token_is_far_smaller_as_columns() {
        let tokens: Vec<_> =
            (0..1_000).map(|n| token(&format!("TKN-0000-{n:04}"), "Active", Some("ACC-1"), Some("Ann"))).collect();
        let whole = serde_json::to_vec(&tokens).map(|json| json.len()).unwrap_or(0);
        let columns = serde_json::to_vec(&TokenRows::of(&tokens)).map(|json| json.len()).unwrap_or(usize::MAX);
        assert!(columns * 3 < whole, "{columns} bytes as columns against {whole} as tokens");
    }
}
