//! Lists over real TLS: envelope, paging, ordering, select and RQL, plus the modules,
//! user-groups, audit-record and event-type collections.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::{Sim, TOKENS};
use marketplace_sim::AccountKind::{Client, Operations, Vendor};
use marketplace_sim::SimConfig;
use reqwest::{Method, StatusCode};
use serde_json::Value;

fn names(list: &Value) -> Vec<String> {
    list["data"].as_array().expect("data").iter().filter_map(|t| t["name"].as_str().map(str::to_string)).collect()
}

fn total(list: &Value) -> u64 {
    list["$meta"]["pagination"]["total"].as_u64().expect("total")
}

async fn big_sim() -> Sim {
    Sim::with(SimConfig { tokens_per_account: 60, ..SimConfig::default() }).await
}

#[tokio::test]
async fn envelope_limit_cap_zero_and_offset() {
    let sim = big_sim().await;
    let all = sim.get_ok(Operations, &format!("{TOKENS}?limit=1000"), "ApiTokenListResponse").await;
    assert_eq!(all["$meta"]["pagination"]["limit"], 100, "limit is capped at 100");
    assert_eq!(all["$meta"]["pagination"]["offset"], 0);
    assert_eq!(total(&all), 183, "3 admin tokens + 3 × 60");
    assert_eq!(all["data"].as_array().map(Vec::len), Some(100));
    assert_eq!(all["$meta"]["omitted"], serde_json::json!(["modules", "audit"]));

    let default = sim.get_ok(Operations, TOKENS, "ApiTokenListResponse").await;
    assert_eq!(default["data"].as_array().map(Vec::len), Some(100));

    let count = sim.get_ok(Operations, &format!("{TOKENS}?limit=0"), "ApiTokenListResponse").await;
    assert_eq!(total(&count), 183);
    assert_eq!(count["data"], serde_json::json!([]));

    let page = sim.get_ok(Operations, &format!("{TOKENS}?limit=10&offset=175&order=id"), "ApiTokenListResponse").await;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(8));
    assert_eq!(page["$meta"]["pagination"]["offset"], 175);
    let ids_all =
        sim.get_ok(Operations, &format!("{TOKENS}?limit=100&offset=100&order=id"), "ApiTokenListResponse").await;
    assert_eq!(page["data"][0]["id"], ids_all["data"][75]["id"]);
    let beyond = sim.get_ok(Operations, &format!("{TOKENS}?offset=500"), "ApiTokenListResponse").await;
    assert_eq!(beyond["data"], serde_json::json!([]));
    assert_eq!(total(&beyond), 183);

    for bad in ["limit=-1", "limit=abc", "offset=x"] {
        let answer = sim.get(Operations, &format!("{TOKENS}?{bad}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn multi_key_order() {
    let sim = big_sim().await;
    let list = sim
        .get_ok(
            Operations,
            &format!("{TOKENS}?select=audit&order=-audit.created.at,name&limit=100"),
            "ApiTokenListResponse",
        )
        .await;
    let data = list["data"].as_array().expect("data");
    let keys: Vec<(String, String)> = data
        .iter()
        .map(|t| {
            (
                t["audit"]["created"]["at"].as_str().expect("at").to_string(),
                t["name"].as_str().expect("name").to_lowercase(),
            )
        })
        .collect();
    for pair in keys.windows(2) {
        assert!(pair[0].0 > pair[1].0 || (pair[0].0 == pair[1].0 && pair[0].1 <= pair[1].1), "{pair:?}");
    }
    let by_name = sim.get_ok(Vendor, &format!("{TOKENS}?order=status,-name&limit=100"), "ApiTokenListResponse").await;
    let pairs: Vec<(String, String)> = by_name["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|t| {
            (
                t["status"].as_str().unwrap_or_default().to_string(),
                t["name"].as_str().unwrap_or_default().to_lowercase(),
            )
        })
        .collect();
    for pair in pairs.windows(2) {
        assert!(pair[0].0 < pair[1].0 || (pair[0].0 == pair[1].0 && pair[0].1 >= pair[1].1), "{pair:?}");
    }
    // Ordering by an omitted field needs it selected.
    let answer = sim.get(Operations, &format!("{TOKENS}?order=-audit.created.at")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body["detail"].as_str().unwrap_or_default().contains("select=audit"), "{}", answer.body);
}

#[tokio::test]
async fn rql_operators_filter_for_real() {
    let sim = big_sim().await;
    let get = |query: &str| {
        let sim = &sim;
        let query = query.to_string();
        async move { sim.get_ok(Operations, &format!("{TOKENS}?{query}&limit=100"), "ApiTokenListResponse").await }
    };
    let all = get("").await;
    let all_total = total(&all);
    let active = get("eq(status,Active)").await;
    let not_active = get("ne(status,Active)").await;
    assert!(total(&active) > 0 && total(&not_active) > 0);
    assert_eq!(total(&active) + total(&not_active), all_total);
    assert!(active["data"].as_array().expect("data").iter().all(|t| t["status"] == "Active"));

    let shortcut = get("status=Active").await;
    assert_eq!(total(&shortcut), total(&active));
    let quoted = get("eq(status,'Active')").await;
    assert_eq!(total(&quoted), total(&active));
    let double_quoted = get("eq(status,\"Active\")").await;
    assert_eq!(total(&double_quoted), total(&active));

    let listed = get("in(status,(Disabled,Deleted))").await;
    assert_eq!(total(&listed), total(&not_active));
    let out = get("out(status,(Disabled,Deleted))").await;
    assert_eq!(total(&out), total(&active));
    let negated = get("not(eq(status,Active))").await;
    assert_eq!(total(&negated), total(&not_active));
    let either = get("or(eq(status,Disabled),eq(status,Deleted))").await;
    assert_eq!(total(&either), total(&not_active));

    let robots = get("ilike(name,*ROBOT*)").await;
    assert!(total(&robots) > 0);
    assert!(names(&robots).iter().all(|n| n.to_lowercase().contains("robot")));
    let case_sensitive = get("like(name,*ROBOT*)").await;
    assert_eq!(total(&case_sensitive), 0, "like is case-sensitive");
    let prefix = get("like(name,ERP*)").await;
    assert!(names(&prefix).iter().all(|n| n.starts_with("ERP")));

    // Several expressions joined by & are ANDed, and dotted paths reach into objects.
    let vendor_id = sim.handle.account_id(Vendor).to_string();
    let vendor_active = get(&format!("eq(account.id,\"{vendor_id}\")&eq(status,Active)")).await;
    let data = vendor_active["data"].as_array().expect("data");
    assert!(!data.is_empty());
    assert!(data.iter().all(|t| t["account"]["id"] == vendor_id.as_str() && t["status"] == "Active"));
    let and_form = get(&format!("and(eq(account.id,{vendor_id}),eq(status,Active))")).await;
    assert_eq!(total(&and_form), total(&vendor_active));

    // Collections: modules.id matches when any module has it.
    let with_billing = get("eq(modules.id,MOD-4525)&select=modules").await;
    assert!(
        with_billing["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|t| { t["modules"].as_array().is_some_and(|m| m.iter().any(|m| m["id"] == "MOD-4525")) })
    );
    assert!(total(&with_billing) > 0 && total(&with_billing) < all_total);

    // null(): seeded tokens without a description (the platform omits nulls).
    let no_description = get("eq(description,null())").await;
    let with_description = get("ne(description,null())").await;
    assert!(total(&no_description) > 0);
    assert_eq!(total(&no_description) + total(&with_description), all_total);
    assert!(no_description["data"].as_array().expect("data").iter().all(|t| t.get("description").is_none()));

    // gt/lt on timestamps and numbers.
    let recent = get("gt(lastAccessAt,2026-06-01T00:00:00.000Z)").await;
    assert!(
        recent["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|t| t["lastAccessAt"].as_str().unwrap_or_default() > "2026-06-01")
    );
    let older = get("le(lastAccessAt,2026-06-01T00:00:00.000Z)").await;
    assert!(total(&recent) > 0 && total(&older) > 0);
    let revised = get("ge(revision,2)").await;
    assert!(revised["data"].as_array().expect("data").iter().all(|t| t["revision"].as_i64().unwrap_or(0) >= 2));
    let first_revision = get("lt(revision,2)").await;
    assert_eq!(total(&revised) + total(&first_revision), all_total);
}

#[tokio::test]
async fn percent_encoded_values_and_escaped_stars() {
    let sim = Sim::start().await;
    // Names may not hold , ( ) & * \, descriptions may: they carry the syntax characters.
    for (name, description) in [
        ("Deploy", "Deploy, build (nightly)"),
        ("Cartoon", "Tom & Jerry's"),
        ("Star", "Star * token"),
        ("Windows", r"C:\temp\"),
    ] {
        sim.create_token(Vendor, serde_json::json!({ "name": name, "description": description })).await;
    }
    let check = |query: &'static str, expected: &'static [&'static str]| {
        let sim = &sim;
        async move {
            let list = sim.get_ok(Vendor, &format!("{TOKENS}?{query}"), "ApiTokenListResponse").await;
            assert_eq!(names(&list), expected, "{query}");
        }
    };
    // The query is decoded before the RQL is parsed: inside quotes the encoded , ( ) are data.
    check("eq(description,'Deploy%2C%20build%20%28nightly%29')", &["Deploy"]).await;
    check("eq(description,'Deploy, build (nightly)')", &["Deploy"]).await;
    check("eq(description,%22Tom%20%26%20Jerry%27s%22)", &["Cartoon"]).await;
    check("description=Tom%20%26%20Jerry%27s", &["Cartoon"]).await;
    check("ilike(description,*%5C*%20token)", &["Star"]).await;
    check(r"ilike(description,'*\* token')", &["Star"]).await;
    check("like(description,Star%20%5C*%20*)", &["Star"]).await;
    check("ilike(description,*jerry*)", &["Cartoon"]).await;
    // `*` is a wildcard, `\*` only a star.
    check(r"ilike(description,'Deploy\*')", &[]).await;
    // A backslash inside quotes is data, even right before the closing quote.
    check(r"eq(description,'C:\temp\')", &["Windows"]).await;
    check("eq(description,%27C%3A%5Ctemp%5C%27)", &["Windows"]).await;
    check(r"ilike(description,'*\temp\')", &["Windows"]).await;
}

#[tokio::test]
async fn collections_are_left_out_unless_selected_and_unknown_select_paths_are_ignored() {
    let sim = Sim::start().await;
    let created = sim.create_token(Vendor, serde_json::json!({ "name": "Collections" })).await;
    let id = created["id"].as_str().expect("id").to_owned();

    let list = sim.get_ok(Vendor, TOKENS, "ApiTokenListResponse").await;
    assert_eq!(list["$meta"]["omitted"], serde_json::json!(["modules", "audit"]), "{}", list["$meta"]);
    let items = list["data"].as_array().expect("data");
    assert!(items.iter().all(|t| t.get("modules").is_none() && t.get("audit").is_none()));
    assert!(items.iter().all(|t| t["icon"] == ""), "tokens carry an empty icon");
    for select in ["select=%2Bmodules", "select=modules", "select=modules,nosuchfield.at.all"] {
        let list = sim.get_ok(Vendor, &format!("{TOKENS}?{select}"), "ApiTokenListResponse").await;
        assert_eq!(list["$meta"]["omitted"], serde_json::json!(["audit"]), "{select}");
        assert!(list["data"].as_array().expect("data").iter().all(|t| t["modules"].is_array()), "{select}");
    }

    let one = sim.get_ok(Vendor, &format!("{TOKENS}/{id}"), "ApiToken").await;
    assert!(one.get("modules").is_none(), "{one}");
    assert_eq!(one["$meta"]["omitted"], serde_json::json!(["modules", "audit"]), "{one}");
    let one = sim.get_ok(Vendor, &format!("{TOKENS}/{id}?select=%2Bmodules,-token"), "ApiToken").await;
    assert!(one["modules"].is_array() && one.get("token").is_none(), "{one}");
    assert_eq!(one["$meta"]["omitted"], serde_json::json!(["audit", "token"]), "{one}");
    // A filter on a collection needs it selected.
    assert_eq!(sim.get(Vendor, &format!("{TOKENS}?eq(modules.id,MOD-1756)")).await.status, StatusCode::BAD_REQUEST);
    sim.get_ok(Vendor, &format!("{TOKENS}?eq(modules.id,MOD-1756)&select=modules"), "ApiTokenListResponse").await;
}

#[tokio::test]
async fn a_star_inside_a_pattern_is_literal_as_the_platform_reads_it() {
    let sim = Sim::start().await;
    for (name, description) in [("Literal", "billing*export"), ("Spread", "billing nightly export")] {
        sim.create_token(Vendor, serde_json::json!({ "name": name, "description": description })).await;
    }
    let list =
        sim.get_ok(Vendor, &format!("{TOKENS}?ilike(description,*Billing*Export*)"), "ApiTokenListResponse").await;
    assert_eq!(names(&list), ["Literal"]);
    let list = sim.get_ok(Vendor, &format!("{TOKENS}?ilike(description,billing*)"), "ApiTokenListResponse").await;
    assert_eq!(names(&list).len(), 2, "a final star is a wildcard");
}

#[tokio::test]
async fn bad_rql_and_unknown_fields_are_400_naming_the_problem() {
    let sim = Sim::start().await;
    for (query, needle) in [
        ("eq(status,Active", "')'"),
        ("eqq(status,Active)", "eqq"),
        ("eq(nmae,x)", "nmae"),
        ("order=nmae", "nmae"),
        ("rql=eq(status,Active)", "shortcut"),
        ("nmae=x", "nmae"),
        ("gt(status,null())", "null()"),
        ("eq(status,'Active)", "Unterminated"),
        // Decoded before parsing: an encoded comma in an unquoted value is syntax.
        ("eq(description,Deploy%2C%20build)", "Invalid RQL"),
        // No escapes: `\'` ends the literal, and so does its percent-encoded form.
        (r"eq(description,'Tom & Jerry\'s')", "Unterminated"),
        (r"eq(description,'Jerry\'s')", "RQL has no escapes"),
        ("eq(description,%27Jerry%5C%27s%27)", "RQL has no escapes"),
    ] {
        let answer = sim.get(Vendor, &format!("{TOKENS}?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        let detail = answer.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(needle), "{query}: {detail}");
    }
}

#[tokio::test]
async fn modules_are_for_operations_only() {
    let sim = Sim::start().await;
    let list = sim.get_ok(Operations, "/public/v1/accounts/modules?limit=100", "ModuleListResponse").await;
    let data = list["data"].as_array().expect("data");
    assert!(data.len() >= 10);
    assert!(
        data.iter()
            .any(|m| m["id"] == "MOD-1756" && m["name"] == "Access Management" && m["code"] == "access-management")
    );
    let filtered = sim
        .get_ok(Operations, "/public/v1/accounts/modules?eq(accountTypes,Client)&order=name", "ModuleListResponse")
        .await;
    assert!(
        filtered["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|m| m["accountTypes"].as_array().is_some_and(|t| t.iter().any(|t| t == "Client")))
    );
    let one = sim.get_ok(Operations, "/public/v1/accounts/modules/MOD-0478", "Module").await;
    assert_eq!(one["name"], "Marketplace");
    assert_eq!(sim.get(Operations, "/public/v1/accounts/modules/MOD-0000").await.status, StatusCode::NOT_FOUND);
    for kind in [Vendor, Client] {
        assert_eq!(sim.get(kind, "/public/v1/accounts/modules").await.status, StatusCode::FORBIDDEN);
        assert_eq!(sim.get(kind, "/public/v1/accounts/modules/MOD-0478").await.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn default_user_group_lists_the_assignable_modules() {
    let sim = Sim::start().await;
    for (kind, must_have, must_not_have) in
        [(Vendor, "MOD-8743", "MOD-0622"), (Client, "MOD-0622", "MOD-8743"), (Operations, "MOD-2907", "MOD-0622")]
    {
        let groups =
            sim.get_ok(kind, "/public/v1/accounts/user-groups?eq(isDefault,true)", "UserGroupListResponse").await;
        let data = groups["data"].as_array().expect("data");
        let own: Vec<&Value> = data.iter().filter(|g| g["account"]["id"] == sim.handle.account_id(kind)).collect();
        assert_eq!(own.len(), 1, "{kind:?}: one default group");
        let modules: Vec<&str> =
            own[0]["modules"].as_array().expect("modules").iter().filter_map(|m| m["id"].as_str()).collect();
        assert!(
            modules.contains(&"MOD-1756") && modules.contains(&must_have) && !modules.contains(&must_not_have),
            "{kind:?}: {modules:?}"
        );
        assert!(own[0]["modules"][0]["name"].is_string());
        // The default group's modules are exactly what a token may be given.
        if kind != Operations {
            let body: Vec<Value> = modules.iter().map(|m| serde_json::json!({ "id": m })).collect();
            sim.create_token(kind, serde_json::json!({ "name": "All modules", "modules": body })).await;
        }
        let id = own[0]["id"].as_str().expect("id");
        let one = sim.get_ok(kind, &format!("/public/v1/accounts/user-groups/{id}"), "UserGroup").await;
        assert_eq!(one["isDefault"], true);
    }
    let vendor_groups = sim.get_ok(Vendor, "/public/v1/accounts/user-groups", "UserGroupListResponse").await;
    assert!(
        vendor_groups["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|g| g["account"]["id"] == sim.handle.account_id(Vendor))
    );
    let ops_groups = sim.get_ok(Operations, "/public/v1/accounts/user-groups", "UserGroupListResponse").await;
    let client_group = ops_groups["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|g| g["account"]["id"] == sim.handle.account_id(Client))
        .expect("client group");
    let path = format!("/public/v1/accounts/user-groups/{}", client_group["id"].as_str().expect("id"));
    assert_eq!(sim.get(Vendor, &path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn audit_records_and_event_types() {
    let sim = Sim::start().await;
    let list =
        sim.get_ok(Vendor, "/public/v1/audit/records?order=-timestamp&limit=100", "AuditRecordListResponse").await;
    let data = list["data"].as_array().expect("data");
    assert!(!data.is_empty(), "seeded history");
    assert_eq!(list["$meta"]["omitted"], serde_json::json!(["viewers"]));
    let vendor = sim.handle.account_id(Vendor).to_string();
    let ops_list = sim.get_ok(Operations, "/public/v1/audit/records?limit=0", "AuditRecordListResponse").await;
    assert!(total(&ops_list) > total(&list), "operations sees every account's records");

    let id = data[0]["id"].as_str().expect("id");
    assert!(id.starts_with("AUD-") && id.len() == 23, "{id}");
    let raw = sim.get_ok(Vendor, &format!("/public/v1/audit/records/{id}"), "AuditRecord").await;
    assert!(raw["summary"].as_str().unwrap_or_default().contains("{{object.id}}"), "{raw}");
    assert!(raw["viewers"].as_array().expect("viewers").iter().any(|v| v["id"] == vendor.as_str()));
    let rendered = sim.get_ok(Vendor, &format!("/public/v1/audit/records/{id}?render()"), "AuditRecord").await;
    let object_id = rendered["object"]["id"].as_str().expect("object id");
    assert!(rendered["summary"].as_str().unwrap_or_default().contains(object_id), "{rendered}");
    assert!(!rendered["details"].as_str().unwrap_or_default().contains("{{"));

    // A client cannot read the vendor's records.
    assert_eq!(sim.get(Client, &format!("/public/v1/audit/records/{id}")).await.status, StatusCode::NOT_FOUND);
    let client_view =
        sim.get_ok(Client, &format!("/public/v1/audit/records?eq(id,{id})"), "AuditRecordListResponse").await;
    assert_eq!(total(&client_view), 0);

    let types =
        sim.get_ok(Client, "/public/v1/audit/event-types?ilike(key,*api-token*)", "AuditEventTypeListResponse").await;
    let keys: Vec<&str> = types["data"].as_array().expect("data").iter().filter_map(|t| t["key"].as_str()).collect();
    assert!(keys.contains(&"platform.accounts.api-token.created") && keys.len() == 4, "{keys:?}");
    assert!(types["data"][0]["id"].as_str().unwrap_or_default().starts_with("AET-"));
}

#[tokio::test]
async fn a_short_first_page_is_the_head_of_the_full_order_before_and_after_a_change() {
    let sim = big_sim().await;
    let query = "eq(status,Active)&order=name,-id";
    let head = |limit: usize| format!("{TOKENS}?{query}&limit={limit}");
    // Short and first: picked out by selection; the same query by 100 is ordered whole.
    for round in 0..2 {
        let short = sim.get_ok(Vendor, &head(25), "ApiTokenListResponse").await;
        let whole = sim.get_ok(Vendor, &head(100), "ApiTokenListResponse").await;
        assert_eq!(names(&short), names(&whole)[..25].to_vec(), "round {round}");
        assert_eq!(total(&short), total(&whole));
        // A change in between: neither answer may come from an order of before it.
        let first = short["data"][0]["id"].as_str().unwrap().to_owned();
        let secret = sim.secret(Vendor);
        let disabled = sim.send(Method::POST, &format!("{TOKENS}/{first}/disable"), Some(&secret), None).await;
        assert_eq!(disabled.status, StatusCode::OK);
        let after = sim.get_ok(Vendor, &head(25), "ApiTokenListResponse").await;
        assert!(after["data"].as_array().unwrap().iter().all(|t| t["id"] != first), "the disabled one is gone");
    }
}
