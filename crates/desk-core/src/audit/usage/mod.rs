//! Usage insight from the audit trail: what the platform tells of a token's
//! use (`lastAccessAt`) and what its own audit records add (the last thing
//! it did, the addresses, countries and user agents it acted from). The
//! platform has no "last used from where"; this is it, from the records the
//! token made.
//!
//! A history of the origins each token acted from is kept on this device,
//! so that a token acting from an address or a country not seen before is
//! noticed ("new origin"), once per origin.

use std::collections::{BTreeMap, BTreeSet};

use marketplace_api::models::AuditRecord;
use serde::{Deserialize, Serialize};

use crate::error::DeskError;
use crate::storage::local_store::PerToken;
use crate::tokens::views::AuditEntryView;

mod actions;

/// The file the origin history lives in.
pub(crate) const FILE_NAME: &str = "origins.json";

/// Records read for one token's insight, newest first.
pub const USAGE_RECORDS_MAX: u32 = 1_000;

/// A token older than this whose first activity is seen is told about: a
/// dormant token that starts acting may be in a thief's hands.
const DORMANT_AFTER_DAYS: i64 = 7;

/// Records read per check for new origins.
const ORIGIN_CHECK_RECORDS_MAX: u64 = 1_000;

/// A value seen in a token's records, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Seen {
    /// The address, country or user agent.
    pub value: String,
    /// More about it: an address's country and region.
    pub detail: Option<String>,
    /// The first record that shows it (RFC 3339).
    pub first_seen: Option<String>,
    /// The last record that shows it (RFC 3339).
    pub last_seen: Option<String>,
    /// How many records show it.
    pub records: u32,
}

/// What is known of a token's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsage {
    /// The platform's approximate last use (RFC 3339).
    pub last_access_at: Option<String>,
    /// The newest audit record the token made.
    pub last_activity: Option<AuditEntryView>,
    /// The addresses it acted from, most recent first.
    pub ips: Vec<Seen>,
    /// The countries it acted from, most recent first.
    pub countries: Vec<Seen>,
    /// The user agents it acted with, most recent first.
    pub user_agents: Vec<Seen>,
    /// Records read.
    pub records_read: u32,
    /// True when the token made more records than were read (the oldest were left out).
    pub truncated: bool,
}

/// The origins a token was seen acting from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KnownOrigins {
    ips: BTreeSet<String>,
    countries: BTreeSet<String>,
    /// Whether any record of the token was seen (one may carry no address).
    #[serde(default)]
    acted: bool,
}

impl KnownOrigins {
    /// Whether nothing the token did was seen yet.
    fn is_empty(&self) -> bool {
        !self.acted && self.ips.is_empty() && self.countries.is_empty()
    }
}

/// The origin history of every connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct OriginHistory {
    /// Per connection: the newest record time already looked at.
    checked_until: BTreeMap<String, String>,
    /// Per connection: the ids of the records at that time (the next check starts there again).
    checked_ids: BTreeMap<String, BTreeSet<String>>,
    known: PerToken<KnownOrigins>,
}

/// What the desk keeps for the usage insight and the origin watch.
pub(crate) struct State {
    /// The origins each token was seen acting from (`origins.json`).
    pub(crate) origins: crate::storage::local_store::LocalStore<OriginHistory>,
    /// Connections the origin watch could not reach (their keychain entry could
    /// not be read): not asked again in this run, so a locked keychain is not
    /// prompted for once a minute. Using the connection builds its client, and
    /// the watch takes it up again.
    pub(crate) unwatched: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// Where one record came from.
struct Origin<'a> {
    ip: Option<&'a str>,
    country: Option<&'a str>,
    region: Option<&'a str>,
    user_agent: Option<&'a str>,
}

fn origin(record: &AuditRecord) -> Origin<'_> {
    let api = record.request.as_ref().and_then(|request| request.api.as_ref());
    let geo = api.and_then(|api| api.geolocation.as_ref());
    Origin {
        ip: api.and_then(|api| api.ip.as_deref()).filter(|ip| !ip.is_empty()),
        country: geo
            .and_then(|geo| geo.country_name.as_deref().or(geo.country_code.as_deref()))
            .filter(|c| !c.is_empty()),
        region: geo.and_then(|geo| geo.region.as_deref()),
        user_agent: api.and_then(|api| api.user_agent.as_deref()).filter(|agent| !agent.is_empty()),
    }
}

/// Tallies values over records given newest first.
#[derive(Default)]
struct Tally {
    order: Vec<String>,
    seen: BTreeMap<String, Seen>,
}

impl Tally {
    fn add(&mut self, value: &str, detail: Option<String>, at: Option<&str>) {
        let entry = self.seen.entry(value.to_owned()).or_insert_with(|| {
            self.order.push(value.to_owned());
            Seen { value: value.to_owned(), detail, first_seen: None, last_seen: at.map(str::to_owned), records: 0 }
        });
        entry.records = entry.records.saturating_add(1);
        if at.is_some() {
            entry.first_seen = at.map(str::to_owned);
        }
    }

    fn into_list(mut self) -> Vec<Seen> {
        self.order.iter().filter_map(|value| self.seen.remove(value)).collect()
    }
}

/// The insight from a token's records, newest first.
pub(crate) fn summarize(last_access_at: Option<String>, records: &[AuditRecord], truncated: bool) -> TokenUsage {
    let (mut ips, mut countries, mut agents) = (Tally::default(), Tally::default(), Tally::default());
    for record in records {
        let at = record.timestamp.as_deref();
        let from = origin(record);
        if let Some(ip) = from.ip {
            let place: Vec<&str> = [from.country, from.region].into_iter().flatten().collect();
            ips.add(ip, (!place.is_empty()).then(|| place.join(", ")), at);
        }
        if let Some(country) = from.country {
            countries.add(country, None, at);
        }
        if let Some(agent) = from.user_agent {
            agents.add(agent, None, at);
        }
    }
    TokenUsage {
        last_access_at,
        last_activity: records.first().map(AuditEntryView::from),
        ips: ips.into_list(),
        countries: countries.into_list(),
        user_agents: agents.into_list(),
        records_read: u32::try_from(records.len()).unwrap_or(u32::MAX),
        truncated,
    }
}

/// The error of an audit query the Marketplace answered 400: the platform may not support
/// a filter on those fields (docs/marketplace-api.md §5.7). Says so, in the log too, and
/// names what is missing; other errors pass unchanged.
fn audit_filter_refused(error: marketplace_api::Error, feature: &str, fields: &str) -> DeskError {
    if error.status() != Some(400) {
        return error.into();
    }
    tracing::warn!(
        feature,
        fields,
        "the Marketplace refused the audit filter {feature} needs; it stays unavailable, the rest works: {error}"
    );
    DeskError::new(
        crate::error::ErrorKind::Refused,
        format!(
            "This Marketplace refused the audit-trail filter {feature} needs (on {fields}), so {feature} cannot show \
             anything here. Everything else in Token Desk works as usual."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, at: &str, ip: &str, country: &str, agent: &str) -> AuditRecord {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "event": "platform.commerce.order.created",
            "timestamp": at,
            "actor": { "id": "TKN-1111-2222", "name": "CI" },
            "request": { "api": { "ip": ip, "userAgent": agent, "geolocation": { "countryName": country, "region": "R" } } },
        }))
        .expect("a record")
    }

    #[test]
    fn origins_are_tallied_with_first_and_last_seen() {
        // Newest first, as the platform lists them.
        let records = [
            record("AUD-3", "2026-11-03T00:00:00Z", "192.0.2.1", "Spain", "curl/8"),
            record("AUD-2", "2026-11-02T00:00:00Z", "198.51.100.2", "Germany", "curl/8"),
            record("AUD-1", "2026-11-01T00:00:00Z", "192.0.2.1", "Spain", "python"),
        ];
        let usage = summarize(Some("2026-11-03T00:00:05Z".into()), &records, false);
        assert_eq!(usage.last_activity.as_ref().map(|entry| entry.id.as_str()), Some("AUD-3"));
        let ips: Vec<_> = usage.ips.iter().map(|seen| (seen.value.as_str(), seen.records)).collect();
        assert_eq!(ips, [("192.0.2.1", 2), ("198.51.100.2", 1)]);
        assert_eq!(usage.ips[0].first_seen.as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(usage.ips[0].last_seen.as_deref(), Some("2026-11-03T00:00:00Z"));
        assert_eq!(usage.ips[0].detail.as_deref(), Some("Spain, R"));
        assert_eq!(usage.countries.len(), 2);
        assert_eq!(usage.user_agents.iter().map(|seen| seen.value.as_str()).collect::<Vec<_>>(), ["curl/8", "python"]);
    }
}
