//! Audit export against the simulator: the file byte for byte against the
//! records the Marketplace answers, progress, and a cancel that leaves no
//! file. (The scrubbing of secrets is tested beside the row, in the crate.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use common::World;
use desk_core::queries::AuditRole;
use desk_core::{AuditExportScope, ErrorKind, ExportFormat};
use marketplace_api::models::AuditRecord;
use marketplace_api::rql::{Filter, Query};
use marketplace_api::{NewApiToken, collect_all};
use marketplace_sim::AccountKind;

/// A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// The row the export should write for `record`, column by column.
fn expected_row(record: &AuditRecord) -> [String; 7] {
    let api = record.request.as_ref().and_then(|request| request.api.as_ref());
    let actor = record.actor.as_ref().map_or(String::new(), |actor| match &actor.name {
        Some(name) if !name.is_empty() => format!("{name} ({})", actor.id),
        _ => actor.id.clone(),
    });
    let country = api
        .and_then(|api| api.geolocation.as_ref())
        .and_then(|geo| geo.country_name.clone().or_else(|| geo.country_code.clone()))
        .unwrap_or_default();
    let scrub = |text: String| desk_core::redact_secrets(&text).into_owned();
    [
        scrub(record.timestamp.clone().unwrap_or_default()),
        scrub(record.event.clone().unwrap_or_default()),
        scrub(actor),
        scrub(api.and_then(|api| api.ip.clone()).unwrap_or_default()),
        scrub(country),
        scrub(api.and_then(|api| api.user_agent.clone()).unwrap_or_default()),
        scrub(record.summary.clone().unwrap_or_default()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tokens_trail_is_exported_byte_for_byte_scrubbed_and_can_be_cancelled() {
    let world = World::new(3).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let admin = world.admin_client(AccountKind::Vendor);
    // A name that needs CSV quoting: double quotes.
    let created = admin
        .create_token(&NewApiToken {
            account_id: world.sim.account_id(AccountKind::Vendor).to_owned(),
            name: "Billing \"nightly\" export".to_owned(),
            description: None,
            icon: None,
            module_ids: Vec::new(),
        })
        .await
        .expect("created");
    admin.disable_token(&created.id).await.expect("disabled");
    admin.enable_token(&created.id).await.expect("enabled");

    // What the Marketplace holds, newest first, as the export asks for it.
    let query = Query::new()
        .filter(Filter::and(vec![Filter::eq("object.id", created.id.as_str())]))
        .order_by_desc("timestamp")
        .order_by_desc("id")
        .render();
    let records = collect_all(admin.list_all_audit_records(query)).await.expect("the trail");
    assert!(records.len() >= 3, "created, disabled, enabled: {}", records.len());
    let rows: Vec<[String; 7]> = records.iter().map(expected_row).collect();

    let dir = tempfile::tempdir().expect("dir");
    let scope = AuditExportScope::Token { token_id: created.id.clone(), role: AuditRole::Object };
    let cancel = Arc::new(AtomicBool::new(false));

    let csv_path = dir.path().join("trail.csv");
    let mut progress = Vec::new();
    let summary = world
        .desk
        .export_audit_until(&connection.id, &scope, ExportFormat::Csv, &csv_path, &cancel, |p| progress.push(p))
        .await
        .expect("exported");
    assert_eq!(summary.records as usize, records.len());
    assert_eq!(
        progress.last().map(|p| (p.written as usize, p.total.map(|t| t as usize))),
        Some((records.len(), Some(records.len())))
    );
    let mut expected = String::from("time,event,actor,ip,country,user_agent,summary\n");
    for row in &rows {
        expected.push_str(&row.iter().map(|field| csv_field(field)).collect::<Vec<_>>().join(","));
        expected.push('\n');
    }
    let written = std::fs::read_to_string(&csv_path).expect("the CSV");
    assert_eq!(written, expected);

    let json_path = dir.path().join("trail.json");
    world
        .desk
        .export_audit_until(&connection.id, &scope, ExportFormat::Json, &json_path, &cancel, |_| {})
        .await
        .expect("exported");
    let objects: Vec<String> = rows
        .iter()
        .map(|row| {
            let keys = ["time", "event", "actor", "ip", "country", "user_agent", "summary"];
            let fields: Vec<String> = keys
                .iter()
                .zip(row)
                .map(|(key, value)| format!("\"{key}\":{}", serde_json::to_string(value).expect("a JSON string")))
                .collect();
            format!("  {{{}}}", fields.join(","))
        })
        .collect();
    let expected = format!("[\n{}\n]\n", objects.join(",\n"));
    assert_eq!(std::fs::read_to_string(&json_path).expect("the JSON"), expected);

    // Cancelled: a clear answer and no file, not even half of one.
    cancel.store(true, std::sync::atomic::Ordering::SeqCst);
    let cancelled_path = dir.path().join("cancelled.csv");
    let error = world
        .desk
        .export_audit_until(&connection.id, &scope, ExportFormat::Csv, &cancelled_path, &cancel, |_| {})
        .await
        .expect_err("cancelled");
    assert_eq!(error.kind, ErrorKind::Refused);
    assert!(error.message.contains("cancelled"), "{}", error.message);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 2, "only the two finished exports: {left:?}");

    // A date range that ends before it starts is refused before anything is sent.
    let backwards = AuditExportScope::Range { from: "2026-06-02T00:00:00Z".into(), to: "2026-06-01T00:00:00Z".into() };
    cancel.store(false, std::sync::atomic::Ordering::SeqCst);
    let error = world
        .desk
        .export_audit_until(
            &connection.id,
            &backwards,
            ExportFormat::Csv,
            &dir.path().join("range.csv"),
            &cancel,
            |_| {},
        )
        .await
        .expect_err("backwards");
    assert_eq!(error.kind, ErrorKind::Validation);
}
