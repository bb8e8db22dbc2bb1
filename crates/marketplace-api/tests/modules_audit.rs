//! Modules, user groups, audit records and event types against the simulator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::{client_for, start_sim};
use marketplace_api::rql::{Filter, Query};
use marketplace_api::{AuditRecordType, ErrorKind, collect_all};
use marketplace_sim::AccountKind;

#[tokio::test]
async fn modules_are_for_operations_only() {
    let sim = start_sim(0).await;
    let ops = client_for(&sim, AccountKind::Operations);
    let page = ops.list_modules(&Query::new().order_by("id")).await.expect("list");
    assert!(!page.items.is_empty());
    let all = collect_all(ops.list_all_modules(Query::new())).await.expect("all");
    assert_eq!(Some(all.len() as u64), page.total);
    let access = ops.get_module("MOD-1756").await.expect("get");
    assert_eq!(access.name.as_deref(), Some("Access Management"));
    assert_eq!(ops.get_module("MOD-0000").await.expect_err("none").kind(), ErrorKind::NotFound);

    let vendor = client_for(&sim, AccountKind::Vendor);
    let error = vendor.list_modules(&Query::new()).await.expect_err("vendors may not list modules");
    assert_eq!(error.kind(), ErrorKind::Forbidden);
    assert_eq!(error.status(), Some(403));
}

#[tokio::test]
async fn the_default_user_group_lists_the_assignable_modules() {
    let sim = start_sim(0).await;
    for kind in [AccountKind::Vendor, AccountKind::Client] {
        let client = client_for(&sim, kind);
        let account_id = sim.account_id(kind);
        let group = client.default_user_group(account_id).await.expect("default group");
        assert!(group.is_default);
        assert_eq!(group.account.as_ref().map(|a| a.id.as_str()), Some(account_id));
        assert!(group.modules.iter().any(|m| m.id == "MOD-1756"), "{:?}", group.modules);
        assert!(group.modules.iter().all(|m| m.name.is_some()), "names come with select=modules");
        let again = client.get_user_group(&group.id, &["modules"]).await.expect("get");
        assert_eq!(again.id, group.id);
        let groups = client.list_user_groups(&Query::new()).await.expect("list");
        assert!(groups.items.iter().all(|g| g.account.as_ref().map(|a| a.id.as_str()) == Some(account_id)));
    }
    let vendor = client_for(&sim, AccountKind::Vendor);
    let error = vendor.default_user_group(sim.account_id(AccountKind::Client)).await.expect_err("not visible");
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn audit_records_follow_a_token_and_event_types_are_listed() {
    let sim = start_sim(0).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let me = vendor.whoami().await.expect("whoami");
    let created = vendor.create_token(&common::new_token(&me.account.id, "Audited")).await.expect("create");
    vendor.disable_token(&created.id).await.expect("disable");

    let history = Query::new().filter(Filter::eq("object.id", created.id.as_str())).order_by("timestamp").render();
    let page = vendor.list_audit_records(&history).await.expect("records");
    assert_eq!(page.items.len(), 2, "{:#?}", page.items);
    for record in &page.items {
        assert_eq!(record.object.as_ref().map(|o| o.id.as_str()), Some(created.id.as_str()));
        assert_eq!(record.actor.as_ref().map(|a| a.id.as_str()), Some(me.token.id.as_str()), "the token is the actor");
        assert!(matches!(record.record_type, Some(AuditRecordType::Public | AuditRecordType::Private)));
        assert!(!record.summary.as_deref().unwrap_or("{{").contains("{{"), "render() filled the placeholders");
    }
    let all =
        collect_all(vendor.list_all_audit_records(Query::new().filter(Filter::eq("object.id", created.id.as_str()))))
            .await
            .expect("all");
    assert_eq!(all.len(), 2);

    let first = &page.items[0];
    let again = vendor.get_audit_record(&first.id, true).await.expect("get");
    assert_eq!(again.id, first.id);
    assert_eq!(again.event, first.event);
    assert_eq!(
        vendor.get_audit_record("AUD-0000-0000-0000-0000", false).await.expect_err("none").kind(),
        ErrorKind::NotFound
    );

    let types = vendor.list_event_types(&Query::new()).await.expect("event types");
    assert!(!types.items.is_empty());
    let keys: Vec<&str> = types.items.iter().filter_map(|t| t.key.as_deref()).collect();
    assert!(keys.iter().any(|key| Some(*key) == first.event.as_deref()), "{keys:?}");
    let one = vendor.get_event_type(&types.items[0].id).await.expect("get");
    assert_eq!(one, types.items[0]);
    let all_types = collect_all(vendor.list_all_event_types(Query::new())).await.expect("all");
    assert_eq!(Some(all_types.len() as u64), types.total);
}
