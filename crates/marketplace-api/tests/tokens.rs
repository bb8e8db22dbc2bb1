//! Every API token operation against the simulator, over real TLS.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::{client_for, config_for, start_sim};

fn new_token(account_id: &str, name: &str, module_ids: Vec<String>) -> NewApiToken {
    NewApiToken { module_ids, ..common::new_token(account_id, name) }
}
use futures::StreamExt;
use marketplace_api::rql::{Filter, LikePattern, Query, QueryError};
use marketplace_api::{
    AccountType, ApiSecret, ApiTokenUpdate, Client, ClientConfig, ErrorKind, NewApiToken, TokenStatus,
};
use marketplace_sim::AccountKind;

#[tokio::test]
async fn whoami_returns_the_token_and_its_account() {
    let sim = start_sim(2).await;
    for kind in AccountKind::ALL {
        let client = client_for(&sim, kind);
        let me = client.whoami().await.expect("whoami");
        assert_eq!(me.account.id, sim.account_id(kind));
        assert_eq!(me.account.account_type.as_ref().map(AccountType::as_str), Some(kind.as_str()));
        assert_eq!(me.token.status, Some(TokenStatus::Active));
        let secret = ApiSecret::new(sim.admin_secret(kind));
        assert_eq!(Some(me.token.id.as_str()), secret.token_id());
        assert_eq!(me.token.token.as_ref().map(ApiSecret::expose), Some(secret.expose()));
    }
}

#[tokio::test]
async fn whoami_refuses_a_secret_without_a_token_id_before_sending() {
    let sim = start_sim(0).await;
    let mut config = config_for(&sim, AccountKind::Vendor);
    config.secret = ApiSecret::new("an-old-format-secret-without-an-id");
    let error = Client::new(config).expect("builds").whoami().await.expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidSecret);
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn list_and_get_are_scoped_to_the_callers_account() {
    let sim = start_sim(3).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let page = vendor.list_tokens(&Query::new().order_by("id")).await.expect("list");
    assert_eq!(page.total, Some(4), "3 seeded tokens and the admin token");
    assert_eq!(page.items.len(), 4);
    assert!(
        page.items
            .iter()
            .all(|t| t.account.as_ref().map(|a| a.id.as_str()) == Some(sim.account_id(AccountKind::Vendor)))
    );
    let ids: Vec<&str> = page.items.iter().map(|t| t.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "ordered by id");
    assert!(page.omitted.iter().any(|field| field == "audit"), "audit is omitted by default: {:?}", page.omitted);

    let first = &page.items[0];
    let with_audit = vendor.get_token(&first.id, &["audit"]).await.expect("get");
    assert_eq!(with_audit.id, first.id);
    let created = with_audit.audit.as_ref().and_then(|a| a.created.as_ref()).expect("audit.created selected");
    assert!(created.at.is_some() && created.by.is_some());

    // A client's token is invisible to the vendor.
    let client_token = client_for(&sim, AccountKind::Client).whoami().await.expect("whoami").token;
    let error = vendor.get_token(&client_token.id, &[]).await.expect_err("invisible");
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.status(), Some(404));
    assert!(error.trace_id().is_some(), "{error:?}");
}

#[tokio::test]
async fn create_update_disable_enable_delete() {
    let sim = start_sim(1).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let account_id = sim.account_id(AccountKind::Vendor);
    let modules = vendor.assignable_modules(account_id).await.expect("assignable modules");
    assert!(!modules.is_empty());
    let module_ids: Vec<String> = modules.iter().take(2).map(|m| m.id.clone()).collect();

    let created =
        vendor.create_token(&new_token(account_id, "ERP sync robot", module_ids.clone())).await.expect("create");
    assert_eq!(created.status, Some(TokenStatus::Active));
    assert_eq!(created.name.as_deref(), Some("ERP sync robot"));
    let secret = created.token.clone().expect("the secret comes back on create");
    assert_eq!(secret.token_id(), Some(created.id.as_str()));
    // Collections are left out unless selected, the create answer included.
    assert!(created.read_modules().is_none(), "modules not selected, not returned");
    let read = vendor.get_token(&created.id, &["+modules"]).await.expect("read with modules");
    let mut got_modules: Vec<String> = read.read_modules().expect("selected").iter().map(|m| m.id.clone()).collect();
    got_modules.sort();
    let mut want_modules = module_ids.clone();
    want_modules.sort();
    assert_eq!(got_modules, want_modules);

    // The new token works as a secret of its own.
    let mut config = config_for(&sim, AccountKind::Vendor);
    config.secret = secret;
    let as_new = Client::new(config).expect("builds");
    assert_eq!(as_new.whoami().await.expect("whoami").token.id, created.id);

    let update =
        ApiTokenUpdate { name: Some("ERP sync robot 2".into()), description: Some(None), ..Default::default() };
    let updated = vendor.update_token(&created.id, &update).await.expect("update");
    assert_eq!(updated.name.as_deref(), Some("ERP sync robot 2"));
    assert_eq!(updated.description, None);
    let read = vendor.get_token(&created.id, &["modules"]).await.expect("naming the field selects it too");
    assert_eq!(read.read_modules().map(<[_]>::len), Some(module_ids.len()), "a partial update keeps the modules");

    let disabled = vendor.disable_token(&created.id).await.expect("disable");
    assert_eq!(disabled.status, Some(TokenStatus::Disabled));
    let error = as_new.whoami().await.expect_err("a disabled token cannot authenticate");
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    let error = vendor.disable_token(&created.id).await.expect_err("already disabled");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(error.to_string().contains("already Disabled"), "{error}");

    let enabled = vendor.enable_token(&created.id).await.expect("enable");
    assert_eq!(enabled.status, Some(TokenStatus::Active));

    vendor.delete_token(&created.id).await.expect("delete");
    let error = vendor.get_token(&created.id, &[]).await.expect_err("deleted tokens vanish for vendors");
    assert_eq!(error.kind(), ErrorKind::NotFound);
    let ops = client_for(&sim, AccountKind::Operations);
    let seen_by_ops = ops.get_token(&created.id, &[]).await.expect("ops still sees it");
    assert_eq!(seen_by_ops.status, Some(TokenStatus::Deleted));
}

#[tokio::test]
async fn an_update_of_every_field_sets_and_clears_each_one() {
    let sim = start_sim(0).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let account_id = sim.account_id(AccountKind::Vendor);
    let modules: Vec<String> =
        vendor.assignable_modules(account_id).await.expect("modules").iter().map(|m| m.id.clone()).collect();
    assert!(modules.len() >= 3, "{modules:?}");
    let ids = |token: &marketplace_api::ApiToken| -> Vec<String> {
        let mut ids: Vec<String> = token.read_modules().expect("selected").iter().map(|m| m.id.clone()).collect();
        ids.sort();
        ids
    };
    let mut token = new_token(account_id, "Robot", modules[..2].to_vec());
    token.icon = Some("/icons/robot.png".into());
    let created = vendor.create_token(&token).await.expect("created");
    assert_eq!(created.icon.as_deref(), Some("/icons/robot.png"));

    // No description and no icon are sent as null, and clear what was there.
    let update = ApiTokenUpdate::every_field("Robot 2", None, None, vec![modules[2].clone()]);
    let updated = vendor.update_token(&created.id, &update).await.expect("updated");
    let read = vendor.get_token(&created.id, &["+modules"]).await.expect("read back");
    for token in [&updated, &read] {
        assert_eq!(token.name.as_deref(), Some("Robot 2"));
        // The platform writes "no icon" as an empty string (docs/marketplace-api.md §5.7).
        assert_eq!((token.description.as_deref(), token.icon.as_deref()), (None, Some("")));
    }
    assert_eq!(ids(&read), vec![modules[2].clone()]);

    let update =
        ApiTokenUpdate::every_field("Robot 3", Some("Back again".into()), Some("/icons/new.png".into()), vec![]);
    let updated = vendor.update_token(&created.id, &update).await.expect("updated");
    assert_eq!(updated.description.as_deref(), Some("Back again"));
    assert_eq!(updated.icon.as_deref(), Some("/icons/new.png"));
    let read = vendor.get_token(&created.id, &["+modules"]).await.expect("read back");
    assert_eq!(read.read_modules(), Some(&[][..]), "an empty list removes every module");

    // A field left out stays as it was.
    let rename = ApiTokenUpdate { name: Some("Robot 4".into()), ..Default::default() };
    let renamed = vendor.update_token(&created.id, &rename).await.expect("renamed");
    assert_eq!(renamed.name.as_deref(), Some("Robot 4"));
    assert_eq!(renamed.description.as_deref(), Some("Back again"));
    assert_eq!(renamed.icon.as_deref(), Some("/icons/new.png"));
}

#[tokio::test]
async fn lists_and_gets_can_leave_the_token_value_out() {
    let sim = start_sim(3).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let id = ApiSecret::new(sim.admin_secret(AccountKind::Vendor)).token_id().expect("id").to_owned();
    assert!(vendor.get_token(&id, &[]).await.expect("get").token.is_some(), "by default the value comes back");

    let page = vendor.list_tokens(&Query::new().select("-token")).await.expect("list");
    assert!(!page.items.is_empty());
    assert!(page.items.iter().all(|t| t.token.is_none() && t.name.is_some()), "{page:?}");
    assert!(page.omitted.iter().any(|field| field == "token"), "{:?}", page.omitted);

    let query = Query::new().select("audit").select("-token").order_by_desc("audit.created.at");
    let all = marketplace_api::collect_all(vendor.list_all_tokens(query)).await.expect("list all");
    assert!(all.len() > 1);
    assert!(all.iter().all(|t| t.token.is_none() && t.audit.is_some()), "{all:?}");

    let token = vendor.get_token(&id, &["-token"]).await.expect("get");
    assert!(token.token.is_none());
    assert!(token.meta.as_ref().is_some_and(|meta| meta.omitted.iter().any(|f| f == "token")), "{token:?}");
    let token = vendor.get_token(&id, &["audit", "-token"]).await.expect("get");
    assert!(token.token.is_none() && token.audit.is_some(), "{token:?}");
}

#[tokio::test]
async fn a_server_refusing_select_minus_is_asked_again_without_it_and_the_values_are_dropped() {
    use marketplace_sim::{FaultAction, FaultRule, FaultWhen};
    let sim = start_sim(3).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    sim.faults().add(FaultRule {
        method: Some("GET".into()),
        path: None,
        action: FaultAction::RefuseSubtractiveSelect,
        when: FaultWhen::Always,
    });
    let id = ApiSecret::new(sim.admin_secret(AccountKind::Vendor)).token_id().expect("id").to_owned();
    let since = std::time::Instant::now();

    let token = vendor.get_token(&id, &["+modules", "-token"]).await.expect("read without -token");
    assert!(token.token.is_none(), "the value the server had to send is dropped at once");
    assert!(token.read_modules().is_some(), "the rest of the select still holds");
    let page = vendor.list_tokens(&Query::new().select("-token")).await.expect("a list");
    assert!(!page.items.is_empty() && page.items.iter().all(|t| t.token.is_none()));
    let all = marketplace_api::collect_all(vendor.list_all_tokens(Query::new().select("-token"))).await.expect("all");
    assert!(all.iter().all(|t| t.token.is_none()));

    let queries: Vec<String> =
        sim.journal().arrivals().into_iter().filter(|a| a.at >= since).map(|a| a.query.unwrap_or_default()).collect();
    assert_eq!(queries.iter().filter(|q| q.contains("-token")).count(), 1, "refused once, remembered: {queries:#?}");
    assert_eq!(queries.len(), 4, "one retry in all: {queries:#?}");
}

#[tokio::test]
async fn a_field_the_answer_names_omitted_is_not_read_even_if_present() {
    use marketplace_sim::{FaultAction, FaultRule, FaultWhen};
    let sim = start_sim(2).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    sim.faults().add(FaultRule {
        method: Some("GET".into()),
        path: None,
        action: FaultAction::OmitField { field: "modules".into() },
        when: FaultWhen::Always,
    });
    let id = ApiSecret::new(sim.admin_secret(AccountKind::Vendor)).token_id().expect("id").to_owned();
    let token = vendor.get_token(&id, &["+modules"]).await.expect("read");
    assert!(token.read_modules().is_none(), "asked for, but not returned: unknown, not empty");
    let page = vendor.list_tokens(&Query::new().select("+modules")).await.expect("list");
    assert!(page.omitted.iter().any(|f| f == "modules"), "{:?}", page.omitted);
    assert!(page.items.iter().all(|t| t.read_modules().is_none()));
}

#[tokio::test]
async fn validation_errors_carry_field_errors() {
    let sim = start_sim(0).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let account_id = sim.account_id(AccountKind::Vendor);
    let error = vendor.create_token(&new_token(account_id, "", vec![])).await.expect_err("a name is required");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(error.status(), Some(400));
    assert!(error.field_errors().iter().any(|e| e.field.as_deref() == Some("name")), "{error:?}");
    assert!(error.trace_id().is_some());
    assert_eq!(error.title(), Some("Bad Request"));
    let text = error.to_string();
    assert!(
        text.starts_with(
            "The Marketplace refused the request as invalid (HTTP 400). One or more validation errors occurred. name: "
        ),
        "{text}"
    );

    let error = vendor
        .create_token(&new_token(account_id, "x", vec!["MOD-12".into()]))
        .await
        .expect_err("a malformed module id");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(!error.field_errors().is_empty(), "{error:?}");
}

#[tokio::test]
async fn missing_tokens_and_wrong_secrets() {
    let sim = start_sim(0).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    // Odd but harmless ids travel as one path segment and are simply not found.
    for id in ["TKN-0000-0000", "TKN 1", "...", "it's", "a%b"] {
        let error = vendor.get_token(id, &[]).await.expect_err("no such token");
        assert_eq!(error.kind(), ErrorKind::NotFound, "{id}: {error}");
    }
    for call in ["update", "delete", "enable", "disable"] {
        let id = "TKN-0000-0000";
        let result = match call {
            "update" => vendor.update_token(id, &ApiTokenUpdate::default()).await.map(drop),
            "delete" => vendor.delete_token(id).await,
            "enable" => vendor.enable_token(id).await.map(drop),
            _ => vendor.disable_token(id).await.map(drop),
        };
        assert_eq!(result.expect_err(call).kind(), ErrorKind::NotFound, "{call}");
    }

    let mut config = config_for(&sim, AccountKind::Vendor);
    config.secret = ApiSecret::new("idt:TKN-1234-5678:NotTheRightSecretNotTheRightSecretNotTheRight");
    let stranger = Client::new(config).expect("builds");
    let error = stranger.whoami().await.expect_err("unknown secret");
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert_eq!(error.status(), Some(401));
}

#[tokio::test]
async fn filters_find_tokens_by_awkward_names() {
    let sim = start_sim(0).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let account_id = sim.account_id(AccountKind::Vendor);
    // Names the simulator's validation accepts (letters, digits, space, - . ' "), each holding
    // a character RQL or a URL would otherwise read as syntax.
    let names = ["Bob's robot", "The \"quoted\" one", "dots.and-dashes", "Ünïcödé naïve", "a  b"];
    for name in names {
        vendor.create_token(&new_token(account_id, name, vec![])).await.expect(name);
    }
    for name in names {
        let page = vendor.list_tokens(&Query::new().filter(Filter::eq("name", name))).await.expect(name);
        let found: Vec<Option<&str>> = page.items.iter().map(|t| t.name.as_deref()).collect();
        assert_eq!(found, vec![Some(name)], "eq(name, {name:?})");
    }
    let page = vendor
        .list_tokens(&Query::new().filter(Filter::ilike("name", LikePattern::contains("QUOTED"))))
        .await
        .expect("ilike");
    assert_eq!(page.items.len(), 1);
    let two = Filter::one_of("name", ["Bob's robot", "a  b"]);
    let ascending = vendor.list_tokens(&Query::new().filter(two.clone()).order_by("name")).await.expect("in");
    let descending = vendor.list_tokens(&Query::new().filter(two).order_by_desc("name")).await.expect("in");
    let names = |page: &marketplace_api::Page<marketplace_api::ApiToken>| -> Vec<Option<String>> {
        page.items.iter().map(|t| t.name.clone()).collect()
    };
    assert_eq!(ascending.items.len(), 2);
    let mut reversed = names(&ascending);
    reversed.reverse();
    assert_eq!(names(&descending), reversed, "order=-name reverses order=name");
    let page = vendor
        .list_tokens(&Query::new().filter(Filter::like("name", LikePattern::starts_with("Bob's"))).select("-name"))
        .await
        .expect("select");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].name, None, "select=-name leaves the name out");
}

#[tokio::test]
async fn a_search_holding_both_quotes_is_refused_before_sending() {
    let sim = start_sim(0).await;
    let vendor = client_for(&sim, AccountKind::Vendor);
    let account_id = sim.account_id(AccountKind::Vendor);
    // The platform allows both quotes in a name; RQL cannot write them in one literal.
    let name = "Bob's \"best\" robot";
    vendor.create_token(&new_token(account_id, name, vec![])).await.expect("created");
    // Either quote alone is written between the other and finds the token.
    for part in ["Bob's", "\"best\""] {
        let query = Query::new().filter(Filter::ilike("name", LikePattern::contains(part)));
        let page = vendor.list_tokens(&query).await.expect(part);
        let found: Vec<Option<&str>> = page.items.iter().map(|t| t.name.as_deref()).collect();
        assert_eq!(found, vec![Some(name)], "{part}");
    }

    let before = sim.journal().arrivals().len();
    let search = Filter::or([
        Filter::ilike("name", LikePattern::contains(name)),
        Filter::ilike("description", LikePattern::contains(name)),
    ]);
    let error = vendor.list_tokens(&Query::new().filter(search.clone())).await.expect_err("both quotes");
    assert_eq!(error.kind(), ErrorKind::InvalidQuery);
    assert_eq!(error.status(), None);
    let text = error.to_string();
    assert!(
        text.starts_with("The search cannot be sent to the Marketplace. A search can't contain both ' and \""),
        "{text}"
    );
    let source = std::error::Error::source(&error).and_then(|s| s.downcast_ref::<QueryError>());
    assert!(matches!(source, Some(QueryError::BothQuotes { field }) if field == "name"), "{source:?}");
    let mut stream = vendor.list_all_tokens(Query::new().filter(search));
    let first = stream.next().await.expect("one item").expect_err("refused");
    assert_eq!(first.kind(), ErrorKind::InvalidQuery);
    assert_eq!(sim.journal().arrivals().len(), before, "nothing was sent");
}

#[tokio::test]
async fn ids_that_would_change_the_address_are_refused_before_anything_is_sent() {
    let sim = start_sim(1).await;
    let ops = client_for(&sim, AccountKind::Operations);
    let bad_ids = [
        "",
        ".",
        "..",
        "%2e%2E",
        ".%2E",
        "%2E.",
        "%252e%252e",
        "../modules",
        "a/b",
        "%2F",
        "a\\b",
        "%5c",
        "TKN?x=1",
        "TKN#x",
        "TKN-0000-0000/enable",
        "TKN\n",
    ];
    for id in bad_ids {
        let calls = [
            ("get_token", ops.get_token(id, &["-token"]).await.map(drop)),
            ("update_token", ops.update_token(id, &ApiTokenUpdate::default()).await.map(drop)),
            ("delete_token", ops.delete_token(id).await),
            ("enable_token", ops.enable_token(id).await.map(drop)),
            ("disable_token", ops.disable_token(id).await.map(drop)),
            ("get_module", ops.get_module(id).await.map(drop)),
            ("get_user_group", ops.get_user_group(id, &[]).await.map(drop)),
            ("get_audit_record", ops.get_audit_record(id, true).await.map(drop)),
            ("get_event_type", ops.get_event_type(id).await.map(drop)),
        ];
        for (call, result) in calls {
            let error = result.expect_err(call);
            assert_eq!(error.kind(), ErrorKind::InvalidId, "{call}({id:?}): {error}");
            assert_eq!(error.status(), None);
        }
    }
    assert_eq!(sim.journal().arrivals(), vec![], "nothing reached the simulator");
    // The same client still works: only those requests were refused.
    ops.get_token(sim.admin_secret(AccountKind::Operations).split(':').nth(1).expect("id"), &[]).await.expect("get");
    assert_eq!(sim.journal().arrivals().len(), 1);
}

#[tokio::test]
async fn a_plain_http_url_is_refused_before_any_request() {
    // Port 9 (discard) on loopback: nothing would answer, but nothing is even tried.
    let config = ClientConfig::new("http://127.0.0.1:9", ApiSecret::new("idt:TKN-1234-5678:x"));
    let error = Client::new(config).expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidConfiguration);
    assert!(error.to_string().contains("https://"), "{error}");
}
