//! Every token and audit action through the desk, against the simulator over
//! real TLS: what the token screens, the audit tab and the tray do.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::time::Duration;

use common::World;
use desk_core::queries::{AuditQuery, AuditRole, TokenListQuery, TokenSort, TokenSortField, TokenState};
use desk_core::views::TokenBatch;
use desk_core::{CopyFormat, DeskEvent, ErrorKind, NewToken, Settings, TokenChange, TokenChanges};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen};

fn new_token(name: &str) -> NewToken {
    NewToken { name: name.into(), description: "Made by the desk-core tests".into(), module_ids: vec![] }
}

#[tokio::test]
async fn lists_filter_search_sort_and_page() {
    let world = World::new(30).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let desk = &world.desk;

    let first = desk
        .list_tokens(&connection.id, &TokenListQuery { limit: 10, ..Default::default() })
        .await
        .expect("first page");
    let total = first.paging.total.expect("total");
    assert_eq!(first.items.len(), 10);
    assert!(total >= 30, "30 seeded tokens and the admin: {total}");
    let names: Vec<String> = first.items.iter().map(|t| t.name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name by default");

    let second = desk
        .list_tokens(&connection.id, &TokenListQuery { limit: 10, offset: 10, ..Default::default() })
        .await
        .expect("second page");
    assert!(second.items.iter().all(|t| !first.items.iter().any(|f| f.id == t.id)), "pages do not overlap");

    let disabled = desk
        .list_tokens(&connection.id, &TokenListQuery { status: Some(TokenState::Disabled), ..Default::default() })
        .await
        .expect("disabled");
    assert!(!disabled.items.is_empty(), "the seed has a status mix");
    assert!(disabled.items.iter().all(|t| t.status == "Disabled"));

    let probe = &first.items[3];
    let fragment: String = probe.name.chars().skip(1).take(5).collect::<String>().to_uppercase();
    let found = desk
        .list_tokens(&connection.id, &TokenListQuery { search: Some(fragment.clone()), ..Default::default() })
        .await
        .expect("search");
    assert!(
        found.items.iter().any(|t| t.id == probe.id),
        "case-insensitive search for {fragment:?} finds {}",
        probe.name
    );
    let by_id = desk
        .list_tokens(&connection.id, &TokenListQuery { search: Some(probe.id[4..].to_owned()), ..Default::default() })
        .await
        .expect("search by id");
    assert!(by_id.items.iter().any(|t| t.id == probe.id));

    let newest_first = desk
        .list_tokens(
            &connection.id,
            &TokenListQuery {
                sort: vec![TokenSort { field: TokenSortField::Created, descending: true }],
                ..Default::default()
            },
        )
        .await
        .expect("by creation");
    let created: Vec<String> =
        newest_first.items.iter().map(|t| t.created.as_ref().and_then(|c| c.at.clone()).expect("created at")).collect();
    assert!(created.windows(2).all(|pair| pair[0] >= pair[1]), "newest first: {created:?}");
}

/// Every token of `connection_id`, unfiltered: the batches as delivered, and the count announced.
async fn list_all(world: &World, connection_id: &str) -> (Vec<TokenBatch>, u32) {
    let mut batches = Vec::new();
    let count = world
        .desk
        .list_all_tokens(connection_id, &TokenListQuery::default(), |batch| batches.push(batch))
        .await
        .expect("list all");
    (batches, count)
}

/// The ids `batches` delivered, in order, asserting there are `count` and none twice.
fn every_id_once(batches: &[TokenBatch], count: u32) -> Vec<&str> {
    let ids: Vec<&str> = batches.iter().flat_map(|batch| batch.rows.ids.iter().map(String::as_str)).collect();
    assert_eq!(ids.len(), count as usize, "the count the list announced");
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no token twice");
    ids
}

/// Makes the third token list request (counting from now) wait a second.
fn hold_third_list_request(world: &World) {
    world.sim.faults().add(FaultRule {
        method: Some("GET".into()),
        path: Some("/public/v1/accounts/api-tokens".into()),
        action: FaultAction::Latency(Duration::from_secs(1)),
        when: FaultWhen::AfterN { skip: 2, then: 1 },
    });
}

#[tokio::test]
async fn list_all_delivers_every_token_in_batches_with_progress() {
    let world = World::new(250).await;
    let connection = world.connect(AccountKind::Client).await;
    let visible = world
        .desk
        .list_tokens(&connection.id, &TokenListQuery { limit: 1, ..Default::default() })
        .await
        .expect("count")
        .paging
        .total
        .expect("total");
    assert!(visible > 200, "most of the 250 seeded tokens are visible (deleted ones are not): {visible}");
    let (batches, count) = list_all(&world, &connection.id).await;
    every_id_once(&batches, count);
    assert_eq!(count, visible, "every visible token");
    // The first page comes alone, so the first rows paint at once; the rest are joined.
    assert!(batches.len() >= 2, "the first page, then the rest");
    assert!(batches[0].rows.len() < visible as usize / 2, "the first batch is one page: {}", batches[0].rows.len());
    assert!(batches.windows(2).all(|pair| pair[0].fetched < pair[1].fetched), "progress only grows");
    assert_eq!(batches.last().and_then(|b| b.total), Some(count));
}

#[tokio::test]
async fn a_slow_page_among_joined_ones_loses_and_repeats_no_token() {
    let world = World::new(600).await;
    let connection = world.connect(AccountKind::Vendor).await;
    // One list request among the concurrent ones hangs for a second.
    hold_third_list_request(&world);
    let page = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("a page");
    let (batches, count) = list_all(&world, &connection.id).await;
    let ids = every_id_once(&batches, count);
    // In the list's order: the first page's tokens come first, as that page listed them.
    let first: Vec<&str> = page.items.iter().map(|token| token.id.as_str()).collect();
    assert_eq!(ids[..first.len()], first[..]);
    assert!(batches.windows(2).all(|pair| pair[0].fetched < pair[1].fetched), "progress only grows");
}

#[tokio::test]
async fn a_token_pushed_onto_two_pages_by_one_created_mid_list_is_delivered_once() {
    let world = World::new(600).await;
    let connection = world.connect(AccountKind::Vendor).await;
    // One of the pages after the first waits a second. A token created meanwhile, first
    // by name, pushes the list down by one: that page then starts with the last token of
    // the page before it, already delivered.
    hold_third_list_request(&world);
    // Created once the first page is in and the other pages' requests have reached the
    // simulator (so the one held is a page of the list, not the create's own reads).
    let first_page_in = tokio::sync::Notify::new();
    let mut batches = Vec::new();
    let everything = TokenListQuery::default();
    let listing = world.desk.list_all_tokens(&connection.id, &everything, |batch| {
        batches.push(batch);
        first_page_in.notify_one();
    });
    let create_meanwhile = async {
        first_page_in.notified().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        world.desk.create_token(&connection.id, new_token("000 created mid-list")).await.expect("created")
    };
    let (count, created) = tokio::join!(listing, create_meanwhile);
    let count = count.expect("list all");
    let ids = every_id_once(&batches, count);
    // It went in before the pages already answered, so this list does not have it.
    assert!(!ids.contains(&created.id.as_str()));
    // One token came twice and went once: one fewer than the total the first page announced.
    let announced = batches.last().and_then(|batch| batch.total).expect("a total");
    assert_eq!(count + 1, announced, "one repeat left out");
    assert!(batches.windows(2).all(|pair| pair[0].fetched <= pair[1].fetched), "progress never goes back");
}

#[tokio::test]
async fn create_update_enable_disable_delete_with_events() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let desk = &world.desk;
    let mut events = desk.subscribe();
    let modules = desk.assignable_modules(&connection.id).await.expect("modules");
    assert!(modules.iter().any(|m| m.id == "MOD-1756"), "Access Management is assignable: {modules:?}");

    let created = desk
        .create_token(
            &connection.id,
            NewToken { module_ids: vec![modules[0].id.clone()], ..new_token("ERP sync robot") },
        )
        .await
        .expect("created");
    assert_eq!(created.status, "Active");
    // The create answer leaves the modules out, as the platform does: read back, they are there.
    assert_eq!(created.modules, None, "not returned is not \"none\"");
    let read = desk.get_token(&connection.id, &created.id).await.expect("read back");
    assert_eq!(
        read.modules.unwrap_or_default().iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        [modules[0].id.as_str()]
    );
    assert_eq!(created.account.as_ref().map(|a| a.id.as_str()), Some(world.sim.account_id(AccountKind::Vendor)));

    let updated = desk
        .update_token(
            &connection.id,
            &created.id,
            TokenChanges { description: Some(String::new()), ..Default::default() },
        )
        .await
        .expect("description cleared");
    assert_eq!(updated.description, None);
    assert_eq!(updated.name, "ERP sync robot", "fields not sent stay");

    let disabled = desk.disable_token(&connection.id, &created.id, false).await.expect("disable");
    assert_eq!(disabled.status, "Disabled");
    let again = desk.disable_token(&connection.id, &created.id, false).await.expect_err("already disabled");
    assert_eq!(again.kind, ErrorKind::Validation);
    let enabled = desk.enable_token(&connection.id, &created.id).await.expect("enable");
    assert_eq!(enabled.status, "Active");

    desk.delete_token(&connection.id, &created.id, false).await.expect("delete");
    let gone = desk.get_token(&connection.id, &created.id).await.expect_err("deleted");
    assert_eq!(gone.kind, ErrorKind::NotFound);

    let mut seen = Vec::new();
    while let Ok(event) = tokio::time::timeout(Duration::from_millis(200), events.recv()).await {
        if let Ok(DeskEvent::TokenChanged(changed)) = event {
            assert_eq!(changed.token_id, created.id);
            seen.push(changed.change);
        }
    }
    assert_eq!(
        seen,
        [TokenChange::Created, TokenChange::Updated, TokenChange::Disabled, TokenChange::Enabled, TokenChange::Deleted]
    );
}

#[tokio::test]
async fn invalid_forms_are_refused_with_field_errors_before_or_by_the_server() {
    let world = World::new(1).await;
    let connection = world.connect(AccountKind::Client).await;
    let desk = &world.desk;

    let error = desk
        .create_token(
            &connection.id,
            NewToken { name: "bad/name".into(), description: "x".repeat(2001), module_ids: vec![] },
        )
        .await
        .expect_err("refused locally");
    let fields: Vec<_> = error.field_errors.iter().filter_map(|f| f.field.as_deref()).collect();
    assert_eq!(fields, ["name", "description"]);

    let error = desk
        .create_token(&connection.id, NewToken { module_ids: vec!["MOD-9999".into()], ..new_token("Wrong module") })
        .await
        .expect_err("refused by the Marketplace");
    assert_eq!(error.kind, ErrorKind::Validation);
    assert!(error.trace_id.as_deref().is_some_and(|id| id.starts_with("00-")), "{error:?}");
    assert!(!error.field_errors.is_empty(), "{error:?}");
}

#[tokio::test]
async fn reveal_returns_the_value_and_copy_sends_it_only_to_the_clipboard() {
    let world = World::new(3).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let page = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    let target = page.items.iter().find(|t| t.id != connection.token_id).expect("not its own token");
    let truth = world
        .admin_client(AccountKind::Vendor)
        .get_token(&target.id, &[])
        .await
        .expect("admin read")
        .token
        .expect("value");

    let revealed = world.desk.reveal_token_value(&connection.id, &target.id).await.expect("reveal");
    assert_eq!(revealed, truth.expose());

    let receipt = world.desk.copy_token(&connection.id, &target.id, CopyFormat::Value).await.expect("copy");
    assert_eq!(world.clipboard.content(), Some((truth.expose().to_owned(), true)), "written as a secret");
    assert_eq!(receipt.copied, format!("the value of {}", target.name));
    assert!(receipt.clears_at_ms.is_some(), "cleared after the default delay");
}

#[tokio::test]
async fn copy_as_writes_each_format_and_only_the_id_without_a_timer() {
    let world = World::new(3).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let page = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    let target = page.items.iter().find(|t| t.id != connection.token_id).expect("a token");
    let value = world.desk.reveal_token_value(&connection.id, &target.id).await.expect("reveal");
    let (world, connection_id, token_id) = (&world, connection.id.as_str(), target.id.as_str());
    let copied = |format| async move {
        let receipt = world.desk.copy_token(connection_id, token_id, format).await.expect("copied");
        (world.clipboard.content().expect("something").0, receipt)
    };
    assert_eq!(copied(CopyFormat::AuthorizationHeader).await.0, format!("Authorization: Bearer {value}"));
    assert_eq!(copied(CopyFormat::ShellExport).await.0, format!(" export MPT_API_TOKEN='{value}'"));
    let (curl, _) = copied(CopyFormat::Curl).await;
    assert!(
        curl.contains(&format!("{}/public/v1/accounts/api-tokens/{}", connection.base_url, target.id)),
        "{curl:.60}"
    );
    let (id, receipt) = copied(CopyFormat::TokenId).await;
    assert_eq!(id, target.id);
    assert_eq!(receipt.clears_at_ms, None, "an id is not secret: no clearing");
    assert_eq!(world.clipboard.content().map(|(_, secret)| secret), Some(false), "nor the secret hint");
}

#[tokio::test]
async fn settings_decide_the_delay_and_the_history_hint_and_survive_a_restart() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let page = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    let refused = world
        .desk
        .update_settings(Settings { clipboard_clear_after_secs: Some(4), ..Settings::default() })
        .await
        .expect_err("4 s is too short");
    assert_eq!(refused.field_errors[0].field.as_deref(), Some("clipboardClearAfterSecs"));
    let saved = world
        .desk
        .update_settings(Settings {
            clipboard_clear_after_secs: None,
            clipboard_history: true,
            close_to_tray: false,
            ..Settings::default()
        })
        .await
        .expect("saved");
    assert!(Settings::default().close_to_tray, "closing to the tray is on by default");
    let other = page.items.iter().find(|t| t.id != connection.token_id).expect("not its own token");
    let receipt = world.desk.copy_token(&connection.id, &other.id, CopyFormat::Value).await.expect("copy");
    assert_eq!(receipt.clears_at_ms, None, "clearing is off");
    assert_eq!(world.clipboard.content().map(|(_, secret)| secret), Some(false), "history may keep it");
    let reopened = common::desk_with(world.config_dir.path(), world.secrets.clone());
    assert_eq!(reopened.settings(), saved, "kept in the config dir");
}

#[tokio::test]
async fn the_connections_own_token_is_never_revealed_or_copied() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let revealed = world.desk.reveal_token_value(&connection.id, &connection.token_id).await;
    assert_eq!(revealed.expect_err("refused").kind, ErrorKind::Refused);
    for format in [CopyFormat::Value, CopyFormat::Curl] {
        let copied = world.desk.copy_token(&connection.id, &connection.token_id, format).await;
        assert_eq!(copied.expect_err("refused").kind, ErrorKind::Refused, "{format:?}");
    }
    assert_eq!(world.clipboard.content(), None, "nothing reached the clipboard");
    let id = world.desk.copy_token(&connection.id, &connection.token_id, CopyFormat::TokenId).await;
    assert!(id.is_ok(), "its id is not secret");

    // A second admin of the same account, connected with a token of its own:
    // it cannot take the first connection's secret either, however it spells the id.
    let module = world.desk.assignable_modules(&connection.id).await.expect("modules");
    let access = module.iter().find(|m| m.name == "Access Management").expect("Access Management");
    let second_token = NewToken { module_ids: vec![access.id.clone()], ..new_token("Second admin") };
    let created = world.desk.create_token(&connection.id, second_token).await.expect("a second admin token");
    let secret = world.desk.reveal_token_value(&connection.id, &created.id).await.expect("its value");
    let mut form = world.new_connection(AccountKind::Vendor);
    form.label = "Second admin".into();
    form.secret = marketplace_api::ApiSecret::new(secret);
    let second = world.desk.add_connection(form).await.expect("the second admin connects");
    let revealed = world.desk.reveal_token_value(&second.id, &connection.token_id).await;
    assert_eq!(revealed.expect_err("refused").kind, ErrorKind::Refused);
    let copied = world.desk.copy_token(&second.id, &connection.token_id, CopyFormat::Value).await;
    assert_eq!(copied.expect_err("refused").kind, ErrorKind::Refused);
    // Spelled in lower case it is not an id at all, and nothing is asked for.
    let lower = connection.token_id.to_lowercase();
    let revealed = world.desk.reveal_token_value(&second.id, &lower).await;
    assert_eq!(revealed.expect_err("refused").kind, ErrorKind::Validation);
    let copied = world.desk.copy_token(&second.id, &lower, CopyFormat::Value).await;
    assert_eq!(copied.expect_err("refused").kind, ErrorKind::Validation);
    assert_eq!(world.clipboard.content().map(|(text, _)| text), Some(connection.token_id.clone()), "only the id");
}

#[tokio::test]
async fn removing_the_connection_clears_what_was_copied_from_it() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let page = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    let other = page.items.iter().find(|t| t.id != connection.token_id).expect("not its own token");
    world.desk.copy_token(&connection.id, &other.id, CopyFormat::Value).await.expect("copy");
    assert!(world.clipboard.content().is_some());
    world.desk.remove_connection(&connection.id, false).await.expect("removed");
    assert_eq!(world.clipboard.content(), None, "the copied value left with its connection");
}

#[tokio::test]
async fn audit_trail_shows_what_was_done_to_a_token_and_what_it_did() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let desk = &world.desk;
    let created = desk.create_token(&connection.id, new_token("Audited robot")).await.expect("create");
    desk.disable_token(&connection.id, &created.id, false).await.expect("disable");

    let about = desk
        .token_audit(&connection.id, &AuditQuery::new(created.id.clone(), AuditRole::Object))
        .await
        .expect("object trail");
    let mut events: Vec<&str> = about.items.iter().map(|e| e.event.as_str()).collect();
    let times: Vec<&str> = about.items.iter().filter_map(|e| e.timestamp.as_deref()).collect();
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "newest first: {times:?}");
    events.sort();
    assert_eq!(events, ["platform.accounts.api-token.created", "platform.accounts.api-token.disabled"]);
    assert!(
        about.items.iter().all(|e| e.actor_id.as_deref() == Some(connection.token_id.as_str())),
        "the admin token acted"
    );

    let only_disable = desk
        .token_audit(
            &connection.id,
            &AuditQuery {
                event_types: vec!["platform.accounts.api-token.disabled".into()],
                ..AuditQuery::new(created.id.clone(), AuditRole::Object)
            },
        )
        .await
        .expect("filtered");
    assert_eq!(only_disable.items.len(), 1);

    let future = desk
        .token_audit(
            &connection.id,
            &AuditQuery {
                from: Some("2999-01-01T00:00:00Z".into()),
                ..AuditQuery::new(created.id.clone(), AuditRole::Object)
            },
        )
        .await
        .expect("date range");
    assert!(future.items.is_empty());

    let by_admin = desk
        .token_audit(&connection.id, &AuditQuery::new(connection.token_id.clone(), AuditRole::Actor))
        .await
        .expect("actor trail");
    assert!(by_admin.items.iter().any(|e| e.object_id.as_deref() == Some(created.id.as_str())));

    let record = desk.audit_record(&connection.id, &about.items[0].id).await.expect("one record");
    assert_eq!(record.entry.id, about.items[0].id);
    assert_eq!(record.ip.as_deref(), Some("127.0.0.1"));
    assert!(record.user_agent.as_deref().is_some_and(|ua| ua.starts_with("token-desk/")), "{record:?}");

    let types = desk.event_types(&connection.id).await.expect("event types");
    assert!(types.iter().any(|t| t.key == "platform.accounts.api-token.disabled"));
}

#[tokio::test]
async fn server_faults_arrive_as_their_kinds() {
    let world = World::new(1).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let faults = world.sim.faults();
    let everything = TokenListQuery::default();
    let list = || world.desk.list_tokens(&connection.id, &everything);
    let rule = |action| FaultRule {
        method: Some("GET".into()),
        path: Some("/public/v1/accounts/api-tokens".into()),
        action,
        when: FaultWhen::Always,
    };

    for (action, kind) in [
        (FaultAction::Status(403), ErrorKind::Forbidden),
        (FaultAction::Status(401), ErrorKind::Unauthorized),
        (FaultAction::Status(409), ErrorKind::Conflict),
        (FaultAction::Status(500), ErrorKind::Server),
        (FaultAction::TooManyRequests { retry_after_secs: 0 }, ErrorKind::RateLimited),
        (FaultAction::MalformedBody, ErrorKind::Server),
        (FaultAction::DropConnection, ErrorKind::Network),
    ] {
        faults.clear();
        faults.add(rule(action));
        let error = list().await.expect_err("the fault surfaces");
        assert_eq!(error.kind, kind, "{error:?}");
        assert!(!error.message.is_empty());
    }
    faults.clear();
    list().await.expect("healthy again");
}

#[tokio::test]
async fn ids_that_are_not_ids_never_reach_the_marketplace() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let desk = &world.desk;
    let since = std::time::Instant::now();
    for id in ["..", "%2E%2E", ".%2e", "", "TKN-1234-5678/../../accounts", "TKN-1234-5678?select=token"] {
        let refused = [
            desk.get_token(&connection.id, id).await.map(drop),
            desk.disable_token(&connection.id, id, false).await.map(drop),
            desk.enable_token(&connection.id, id).await.map(drop),
            desk.delete_token(&connection.id, id, false).await,
            desk.update_token(&connection.id, id, TokenChanges::default()).await.map(drop),
            desk.reveal_token_value(&connection.id, id).await.map(drop),
            desk.copy_token(&connection.id, id, CopyFormat::TokenId).await.map(drop),
            desk.audit_record(&connection.id, id).await.map(drop),
        ];
        for result in refused {
            let error = result.expect_err("refused");
            assert_eq!(error.kind, ErrorKind::Validation, "{id:?}: {error:?}");
        }
        let audit = desk.token_audit(&connection.id, &AuditQuery::new(id, AuditRole::Object)).await;
        assert_eq!(audit.expect_err("refused").kind, ErrorKind::Validation);
    }
    let sent = world.sim.journal().arrivals().into_iter().filter(|a| a.at >= since).count();
    assert_eq!(sent, 0, "not one request left for a refused id");
}

#[tokio::test]
async fn the_sign_in_token_is_disabled_or_deleted_only_once_the_user_confirmed() {
    let world = World::new(2).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let desk = &world.desk;
    let own = connection.token_id.clone();
    let since = std::time::Instant::now();
    let refused = desk.disable_token(&connection.id, &own, false).await.expect_err("not without the flag");
    assert_eq!(refused.kind, ErrorKind::Refused);
    assert!(refused.message.contains(&connection.label), "{}", refused.message);
    let refused = desk.delete_token(&connection.id, &own, false).await.expect_err("not without the flag");
    assert_eq!(refused.kind, ErrorKind::Refused);
    assert_eq!(world.sim.journal().arrivals().into_iter().filter(|a| a.at >= since).count(), 0, "nothing was sent");

    let disabled = desk.disable_token(&connection.id, &own, true).await.expect("confirmed");
    assert_eq!(disabled.status, "Disabled");
}

#[tokio::test]
async fn an_edit_keeps_what_it_did_not_change_whether_the_platform_merges_or_replaces() {
    for put_replaces in [false, true] {
        let sim = marketplace_sim::start(marketplace_sim::SimConfig {
            tokens_per_account: 2,
            put_replaces,
            ..Default::default()
        })
        .await
        .expect("the simulator starts");
        let world = World::with_sim(sim).await;
        let connection = world.connect(AccountKind::Vendor).await;
        let modules = world.desk.assignable_modules(&connection.id).await.expect("modules");
        let created = world
            .desk
            .create_token(
                &connection.id,
                NewToken { module_ids: vec![modules[0].id.clone()], ..new_token("Edited in one field") },
            )
            .await
            .expect("created");

        let changes = TokenChanges { description: Some("Only this changes".into()), ..Default::default() };
        let edited = world.desk.update_token(&connection.id, &created.id, changes).await.expect("edited");

        assert_eq!(edited.description.as_deref(), Some("Only this changes"), "put_replaces={put_replaces}");
        assert_eq!(edited.name, "Edited in one field", "the name stays (put_replaces={put_replaces})");
        let ids = edited.modules.unwrap_or_default().iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids, [modules[0].id.clone()], "put_replaces={put_replaces}");
    }
}
