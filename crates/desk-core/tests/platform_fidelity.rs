//! Safe against the platform as documented, not only against a generous simulator: lists
//! and gets leave collections out unless selected, `select=-field` may be refused, audit
//! filters may be refused, and a `*` inside a `like` pattern is literal
//! (docs/marketplace-api.md §5.7). Every test runs against the simulator over TLS, whose
//! defaults are that strict.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::World;
use desk_core::queries::TokenListQuery;
use desk_core::{ErrorKind, GracePeriod, TokenChanges};
use marketplace_api::NewApiToken;
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig};

/// What the user does to a token with modules.
#[derive(Debug, Clone, Copy)]
enum Change {
    NameOnly,
    DescriptionOnly,
    ModulesOnly,
    Rotation,
}

/// A rule answering `action` to every `GET` of `path`.
fn on_get(path: &str, action: FaultAction) -> FaultRule {
    FaultRule { method: Some("GET".into()), path: Some(path.into()), action, when: FaultWhen::Always }
}

/// The module ids the simulator holds for a token, read by an admin who selects them.
async fn modules_held(world: &World, token: &str) -> Vec<String> {
    let read = world.admin_client(AccountKind::Vendor).get_token(token, &["+modules"]).await.expect("read back");
    let mut ids: Vec<String> = read.read_modules().expect("selected").iter().map(|m| m.id.clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn edits_and_rotation_leave_exactly_the_modules_the_user_chose_under_merge_and_replace() {
    for put_replaces in [false, true] {
        for change in [Change::NameOnly, Change::DescriptionOnly, Change::ModulesOnly, Change::Rotation] {
            let sim = marketplace_sim::start(SimConfig { tokens_per_account: 1, put_replaces, ..Default::default() })
                .await
                .expect("the simulator starts");
            let world = World::with_sim(sim).await;
            let connection = world.connect(AccountKind::Vendor).await;
            let assignable = world.desk.assignable_modules(&connection.id).await.expect("modules");
            let mut two: Vec<String> = assignable.iter().take(2).map(|m| m.id.clone()).collect();
            two.sort();
            let other = assignable[2].id.clone();
            let token = world
                .admin_client(AccountKind::Vendor)
                .create_token(&NewApiToken {
                    account_id: connection.account.id.clone(),
                    name: "Nightly export".into(),
                    description: Some("Sends orders".into()),
                    icon: None,
                    module_ids: two.clone(),
                })
                .await
                .expect("created")
                .id;
            // The window starts from the list, which leaves the modules out.
            let listed = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
            let row = listed.items.iter().find(|row| row.id == token).expect("listed");
            assert_eq!(row.modules, None, "a list leaves the modules out, and the view says so");

            let case = format!("{change:?}, put_replaces={put_replaces}");
            let (checked, expected) = match change {
                Change::NameOnly => {
                    let changes = TokenChanges { name: Some("Renamed".into()), ..Default::default() };
                    let view = world.desk.update_token(&connection.id, &token, changes).await.expect(&case);
                    assert_eq!(view.name, "Renamed", "{case}");
                    assert_eq!(view.description.as_deref(), Some("Sends orders"), "{case}");
                    (token.clone(), two.clone())
                }
                Change::DescriptionOnly => {
                    let changes = TokenChanges { description: Some("Sends invoices".into()), ..Default::default() };
                    let view = world.desk.update_token(&connection.id, &token, changes).await.expect(&case);
                    assert_eq!(
                        (view.name.as_str(), view.description.as_deref()),
                        ("Nightly export", Some("Sends invoices"))
                    );
                    (token.clone(), two.clone())
                }
                Change::ModulesOnly => {
                    let changes = TokenChanges { module_ids: Some(vec![other.clone()]), ..Default::default() };
                    let view = world.desk.update_token(&connection.id, &token, changes).await.expect(&case);
                    assert_eq!(view.name, "Nightly export", "{case}");
                    (token.clone(), vec![other.clone()])
                }
                Change::Rotation => {
                    let started =
                        world.desk.rotate_token(&connection.id, &token, GracePeriod::OneDay).await.expect(&case);
                    (started.new_token.id, two.clone())
                }
            };
            assert_eq!(modules_held(&world, &checked).await, expected, "{case}");
            // What the edit answered shows what the platform now holds.
            let page = world.desk.get_token(&connection.id, &checked).await.expect("the token page");
            let mut shown: Vec<String> = page.modules.expect("the page reads them").into_iter().map(|m| m.id).collect();
            shown.sort();
            assert_eq!(shown, expected, "{case}");
        }
    }
}

#[tokio::test]
async fn an_edit_or_rotation_is_refused_rather_than_sent_when_the_modules_never_come_back() {
    let world = World::new(3).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let listed = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    let token = listed.items.iter().find(|t| t.id != connection.token_id).expect("a token").id.clone();
    let before = modules_held(&world, &token).await;
    assert!(!before.is_empty(), "the seed gives it modules");
    // A platform that ignores every way of asking for a token's modules.
    world.sim.faults().add(on_get(
        &format!("/public/v1/accounts/api-tokens/{token}"),
        FaultAction::OmitField { field: "modules".into() },
    ));
    let since = std::time::Instant::now();

    let changes = TokenChanges { name: Some("Renamed".into()), ..Default::default() };
    let error = world.desk.update_token(&connection.id, &token, changes).await.expect_err("refused");
    assert!(error.message.contains("did not send the modules"), "{}", error.message);
    assert!(error.message.contains("nothing was changed"), "{}", error.message);
    let error = world.desk.rotate_token(&connection.id, &token, GracePeriod::OneDay).await.expect_err("refused");
    assert!(error.message.contains("did not send the modules"), "{}", error.message);

    let arrivals = world.sim.journal().arrivals().into_iter().filter(|a| a.at >= since).collect::<Vec<_>>();
    assert!(arrivals.iter().all(|a| a.method == "GET"), "nothing written: {arrivals:#?}");
    assert_eq!(arrivals.len(), 4, "two reads each, the second naming the field: {arrivals:#?}");
    world.sim.faults().clear();
    assert_eq!(modules_held(&world, &token).await, before, "nothing stripped");
    let page = world.desk.get_token(&connection.id, &token).await.expect("read");
    assert_eq!(page.name, listed.items.iter().find(|t| t.id == token).expect("listed").name, "not renamed");
}

#[tokio::test]
async fn a_refused_subtractive_select_is_asked_again_without_it_once_and_then_left_out() {
    let world = World::new(4).await;
    let connection = world.connect(AccountKind::Vendor).await;
    world.sim.faults().add(on_get("/public/v1/accounts/api-tokens", FaultAction::RefuseSubtractiveSelect));
    let since = std::time::Instant::now();

    let list = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("the list loads");
    assert!(list.items.len() >= 4, "{}", list.items.len());
    let token = list.items.iter().find(|t| t.id != connection.token_id).expect("a token").id.clone();
    let page = world.desk.get_token(&connection.id, &token).await.expect("the page loads");
    assert!(page.modules.is_some(), "modules still selected");
    let changes = TokenChanges { description: Some("Still editable".into()), ..Default::default() };
    world.desk.update_token(&connection.id, &token, changes).await.expect("edits still work");

    let token_reads: Vec<String> = world
        .sim
        .journal()
        .arrivals()
        .into_iter()
        .filter(|a| a.at >= since && a.method == "GET" && a.path.starts_with("/public/v1/accounts/api-tokens"))
        .map(|a| a.query.unwrap_or_default())
        .collect();
    let refused = token_reads.iter().filter(|q| q.contains("-token")).count();
    assert_eq!(refused, 1, "asked once with -token, then remembered: {token_reads:#?}");
}

#[tokio::test]
async fn refused_audit_filters_are_told_on_the_usage_tab_and_the_rest_keeps_working() {
    for field in ["actor.id", "timestamp"] {
        let world = World::new(3).await;
        let connection = world.connect(AccountKind::Vendor).await;
        world.sim.faults().add(on_get("/public/v1/audit/records", FaultAction::RefuseFilterOn { field: field.into() }));
        let token = connection.token_id.clone();

        let error = world.desk.token_usage(&connection.id, &token).await.expect_err("refused");
        assert_eq!(error.kind, ErrorKind::Refused, "{field}: {}", error.message);
        assert!(error.message.contains("the Usage tab"), "{}", error.message);
        assert!(error.message.contains("Everything else in Token Desk works"), "{}", error.message);

        let error = world.desk.check_new_origins(&connection.id).await.expect_err("refused too");
        assert!(error.message.contains("the new-origin check"), "{}", error.message);

        world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("the list still loads");
        world.desk.get_token(&connection.id, &token).await.expect("the token page still loads");
    }
}

#[tokio::test]
async fn a_star_inside_a_search_is_a_star_as_the_platform_reads_it() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let client = world.admin_client(AccountKind::Vendor);
    // Names may not hold a star; descriptions may.
    for (name, description) in
        [("Literal", "Sends billing*export files"), ("Wildcard", "Sends billing and export files")]
    {
        client
            .create_token(&NewApiToken {
                account_id: connection.account.id.clone(),
                name: name.into(),
                description: Some(description.into()),
                icon: None,
                module_ids: vec![],
            })
            .await
            .expect("created");
    }
    let query = TokenListQuery { search: Some("Billing*Export".into()), ..Default::default() };
    let found = world.desk.list_tokens(&connection.id, &query).await.expect("searched");
    let names: Vec<&str> = found.items.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Literal"], "a middle star matches only a star");
}
