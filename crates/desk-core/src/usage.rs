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

use futures::StreamExt;
use marketplace_api::models::AuditRecord;
use marketplace_api::rql::{Filter, LikePattern, Query};
use serde::{Deserialize, Serialize};

use crate::desk::Desk;
use crate::error::DeskError;
use crate::ids::{IdKind, checked};
use crate::local_store::PerToken;
use crate::review_dates::Reminder;
use crate::views::AuditEntryView;

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

impl Desk {
    /// What is known of a token's use: the platform's last access, and what
    /// the records it made show.
    pub async fn token_usage(&self, connection_id: &str, token_id: &str) -> Result<TokenUsage, DeskError> {
        checked(IdKind::Token, token_id)?;
        let client = self.client(connection_id).await?;
        let token = client.get_token(token_id, &["-token"]).await?;
        // Rendered: the last activity is shown as its summary reads, placeholders filled in.
        let query = Query::new().filter(Filter::eq("actor.id", token_id)).order_by_desc("timestamp").render();
        let mut pages = client.list_all_audit_records(query);
        let mut records = Vec::new();
        let mut truncated = false;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|error| audit_filter_refused(error, "the Usage tab", "actor.id and timestamp"))?;
            records.extend(page.items);
            if records.len() >= USAGE_RECORDS_MAX as usize {
                truncated = page.total.is_some_and(|total| total > u64::from(USAGE_RECORDS_MAX));
                records.truncate(USAGE_RECORDS_MAX as usize);
                break;
            }
        }
        Ok(summarize(token.last_access_at, &records, truncated))
    }

    /// Checks every connection for new origins. Each connection's client, and
    /// so its keychain entry, is read once per run and kept; a connection
    /// whose entry could not be read is left out until it is used.
    pub(crate) async fn watch_origins(&self) -> Vec<Reminder> {
        let mut reminders = Vec::new();
        for connection in self.connections().connections {
            let has_client = self.state().clients.contains_key(&connection.id);
            let skipped = {
                let mut unwatched = self.unwatched.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if has_client {
                    unwatched.remove(&connection.id);
                }
                !has_client && unwatched.contains(&connection.id)
            };
            if skipped {
                continue;
            }
            if !has_client && let Err(error) = self.client(&connection.id).await {
                tracing::info!(connection = %connection.id, "not watched for new origins this run: {}", error.message);
                self.unwatched.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(connection.id);
                continue;
            }
            match self.check_new_origins(&connection.id).await {
                Ok(found) => reminders.extend(found),
                Err(error) => {
                    tracing::info!(connection = %connection.id, "new origins were not checked this time: {}", error.message)
                }
            }
        }
        reminders
    }

    /// Reads the records tokens made since the last check and notices the
    /// origins a token had not acted from before. The first check of a
    /// connection only learns. A token's first records are news when the
    /// token is older than a week (a dormant token woken up); a new token's
    /// first address is not. Each new origin is told once.
    pub async fn check_new_origins(&self, connection_id: &str) -> Result<Vec<Reminder>, DeskError> {
        let client = self.client(connection_id).await?;
        let history = self.origins.get().await?;
        let since = history.checked_until.get(connection_id).cloned();
        let already = history.checked_ids.get(connection_id).cloned().unwrap_or_default();
        let learning = since.is_none();
        let tokens_only = Filter::ilike("actor.id", LikePattern::starts_with("TKN-"));
        // The first look takes the newest records as what is known. Later looks
        // go forward in time from where the last one stopped, a batch at a
        // time, so that nothing is skipped however many records came meanwhile.
        let query = match &since {
            None => Query::new().filter(tokens_only).order_by_desc("timestamp").order_by_desc("id"),
            Some(since) => Query::new()
                .filter(Filter::and([tokens_only, Filter::ge("timestamp", since.as_str())]))
                .order_by("timestamp")
                .order_by("id"),
        };
        let mut pages = client.list_all_audit_records(query);
        let mut records: Vec<AuditRecord> = Vec::new();
        while let Some(page) = pages.next().await {
            records.extend(
                page.map_err(|error| {
                    audit_filter_refused(error, "the new-origin check", "ilike(actor.id,…) and timestamp")
                })?
                .items,
            );
            if records.len() as u64 >= ORIGIN_CHECK_RECORDS_MAX {
                records.truncate(ORIGIN_CHECK_RECORDS_MAX as usize);
                break;
            }
        }
        if learning {
            records.reverse();
        }
        // A token acting for the first time since Token Desk started watching: its
        // age tells a new token's first call from a dormant token woken up.
        let first_timers: BTreeSet<String> = if learning {
            BTreeSet::new()
        } else {
            let known = history.known.get(connection_id);
            records
                .iter()
                .filter_map(|record| record.actor.as_ref().map(|actor| actor.id.clone()))
                .filter(|id| id.starts_with("TKN-"))
                .filter(|id| known.and_then(|tokens| tokens.get(id)).is_none_or(|origins| origins.is_empty()))
                .collect()
        };
        let mut created: BTreeMap<String, Option<chrono::DateTime<chrono::Utc>>> = BTreeMap::new();
        for token_id in first_timers {
            let at = match client.get_token(&token_id, &["audit", "-token"]).await {
                Ok(token) => token
                    .audit
                    .and_then(|audit| audit.created)
                    .and_then(|created| created.at)
                    .and_then(|at| crate::clock::parse_rfc3339(&at)),
                Err(error) => {
                    tracing::info!(token = %token_id, "a first-acting token's age is unknown: {error}");
                    None
                }
            };
            created.insert(token_id, at);
        }
        let now = crate::clock::rfc3339(self.now());
        let connection = connection_id.to_owned();
        let reminders = self
            .origins
            .change(move |history| {
                let mut reminders = Vec::new();
                // Oldest first, so "first seen" is the first time it happened.
                for record in records.iter().filter(|record| !already.contains(&record.id)) {
                    let Some(actor) = record.actor.as_ref().filter(|actor| actor.id.starts_with("TKN-")) else {
                        continue;
                    };
                    let from = origin(record);
                    let known =
                        history.known.entry(connection.clone()).or_default().entry(actor.id.clone()).or_default();
                    let new_ip = from.ip.filter(|ip| !known.ips.contains(*ip));
                    let new_country = from.country.filter(|country| !known.countries.contains(*country));
                    let had_history = !known.is_empty();
                    known.acted = true;
                    if let Some(ip) = new_ip {
                        known.ips.insert(ip.to_owned());
                    }
                    if let Some(country) = new_country {
                        known.countries.insert(country.to_owned());
                    }
                    if learning {
                        continue;
                    }
                    let name = actor.name.clone().unwrap_or_else(|| actor.id.clone());
                    if !had_history {
                        // A first call is news only from a token that had been quiet for a while.
                        let acted = record.timestamp.as_deref().and_then(crate::clock::parse_rfc3339);
                        let age = match (created.get(&actor.id).copied().flatten(), acted) {
                            (Some(created), Some(acted)) => Some(acted - created),
                            _ => None,
                        };
                        if age.is_some_and(|age| age < chrono::Duration::days(DORMANT_AFTER_DAYS)) {
                            continue;
                        }
                        let place = [from.ip, from.country].into_iter().flatten().collect::<Vec<_>>().join(", ");
                        let since = match age {
                            Some(age) => format!("{} days after it was created", age.num_days()),
                            None => "and Token Desk cannot tell how old it is".to_owned(),
                        };
                        reminders.push(Reminder {
                            title: format!("First activity of {name}"),
                            body: format!(
                                "{name} ({}) acted for the first time Token Desk has seen, {since}, from {place}{}. \
                                 If nobody expected it to wake up, disable it.",
                                actor.id,
                                record.timestamp.as_deref().map(|at| format!(", at {at}")).unwrap_or_default()
                            ),
                            connection_id: connection.clone(),
                            token_id: actor.id.clone(),
                        });
                        continue;
                    }
                    if new_ip.is_none() && new_country.is_none() {
                        continue;
                    }
                    let place = [from.ip, from.country].into_iter().flatten().collect::<Vec<_>>().join(", ");
                    let what = if new_country.is_some() { "a country" } else { "an address" };
                    reminders.push(Reminder {
                        title: format!("New origin for {name}"),
                        body: format!(
                            "{name} ({}) acted from {what} it had not used before: {place}{}.",
                            actor.id,
                            record.timestamp.as_deref().map(|at| format!(", at {at}")).unwrap_or_default()
                        ),
                        connection_id: connection.clone(),
                        token_id: actor.id.clone(),
                    });
                }
                match records.last().and_then(|record| record.timestamp.clone()) {
                    Some(newest) => {
                        // The records at the newest time are skipped next time (the query starts at that time).
                        let mut at_newest: BTreeSet<String> = records
                            .iter()
                            .filter(|record| record.timestamp.as_deref() == Some(newest.as_str()))
                            .map(|record| record.id.clone())
                            .collect();
                        if since.as_deref() == Some(newest.as_str()) {
                            at_newest.extend(already);
                        }
                        history.checked_until.insert(connection.clone(), newest);
                        history.checked_ids.insert(connection, at_newest);
                    }
                    // Nothing yet: what comes from now on is new, not the baseline.
                    None if learning => {
                        history.checked_until.insert(connection, now);
                    }
                    None => {}
                }
                reminders
            })
            .await?;
        Ok(reminders)
    }
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
