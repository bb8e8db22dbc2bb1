//! A token's usage insight, and the schedule that watches every connection for new origins.

use crate::desk::Desk;
use crate::error::DeskError;
use crate::reminders::review_dates::Reminder;
use crate::tokens::ids::{IdKind, checked};
use futures::StreamExt;
use marketplace_api::models::AuditRecord;
use marketplace_api::rql::{Filter, LikePattern, Query};
use std::collections::{BTreeMap, BTreeSet};

use super::*;

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
                let mut unwatched = self.usage.unwatched.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
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
                self.usage.unwatched.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(connection.id);
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
        let history = self.usage.origins.get().await?;
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
            .usage
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
