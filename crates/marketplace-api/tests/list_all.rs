//! List-all against the simulator: complete, in order, no duplicates, with progress.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::collections::HashSet;

use common::{client_for, start_sim};
use futures::StreamExt;
use marketplace_api::rql::{Filter, Query};
use marketplace_api::{ErrorKind, collect_all};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen};

#[tokio::test]
async fn ten_thousand_tokens_complete_in_order_without_duplicates() {
    let sim = start_sim(10_000).await;
    // Operations see deleted tokens too, so the vendor account holds exactly its 10,000 seeded
    // tokens and its admin token.
    let client = client_for(&sim, AccountKind::Operations);
    let vendor = sim.account_id(AccountKind::Vendor);
    let mut stream = client.list_all_tokens(Query::new().filter(Filter::eq("account.id", vendor)));
    let mut ids = Vec::new();
    let mut last_fetched = 0;
    let mut pages = 0;
    while let Some(progress) = stream.next().await {
        let progress = progress.expect("page");
        pages += 1;
        assert_eq!(progress.total, Some(10_001), "10,000 tokens and the admin token");
        assert_eq!(progress.fetched, last_fetched + progress.items.len() as u64);
        last_fetched = progress.fetched;
        ids.extend(progress.items.into_iter().map(|t| t.id));
    }
    assert_eq!(pages, 101);
    assert_eq!(ids.len(), 10_001);
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "in id order, as requested by default");
}

#[tokio::test]
async fn list_all_keeps_the_callers_filter_and_order() {
    let sim = start_sim(250).await;
    let client = client_for(&sim, AccountKind::Operations);
    let vendor = sim.account_id(AccountKind::Vendor);
    let query = Query::new().filter(Filter::eq("account.id", vendor)).order_by_desc("id").limit(7).offset(3);
    let tokens = collect_all(client.list_all_tokens(query)).await.expect("all");
    assert_eq!(tokens.len(), 251, "the caller's limit and offset are replaced by the paging");
    assert!(tokens.iter().all(|t| t.account.as_ref().map(|a| a.id.as_str()) == Some(vendor)));
    assert!(tokens.windows(2).all(|pair| pair[0].id > pair[1].id), "descending ids");
}

#[tokio::test]
async fn an_empty_list_is_one_empty_page() {
    let sim = start_sim(3).await;
    let client = client_for(&sim, AccountKind::Vendor);
    let pages: Vec<_> = client.list_all_tokens(Query::new().filter(Filter::eq("name", "no such name"))).collect().await;
    assert_eq!(pages.len(), 1);
    let page = pages.into_iter().next().expect("one").expect("ok");
    assert!(page.items.is_empty());
    assert_eq!(page.total, Some(0));
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let sim = start_sim(500).await;
    // Operations see deleted tokens too, so the vendor account holds exactly its 10,000 seeded
    // tokens and its admin token.
    let client = client_for(&sim, AccountKind::Operations);
    let vendor = sim.account_id(AccountKind::Vendor);
    let mut stream = client.list_all_tokens(Query::new().filter(Filter::eq("account.id", vendor)));
    let first = stream.next().await.expect("first").expect("ok");
    assert_eq!(first.items.len(), 100);
    // Every page after the first is refused from now on (403 is not retried).
    sim.faults().add(FaultRule {
        method: Some("GET".into()),
        path: Some("/public/v1/accounts/api-tokens".into()),
        action: FaultAction::Status(403),
        when: FaultWhen::Always,
    });
    let mut results = Vec::new();
    while let Some(result) = stream.next().await {
        results.push(result);
    }
    let last = results.pop().expect("the error");
    assert_eq!(last.expect_err("the failure").kind(), ErrorKind::Forbidden);
    assert!(results.is_empty(), "the stream ends at the first failure: {} more", results.len());
}
