//! Deterministic seed data: three accounts, users, the module catalog, default groups,
//! tokens with a status mix and an audit history. The same seed gives the same data.

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::json;

use crate::AccountKind;
use crate::store::{Account, Actor, CallOrigin, Module, Store, TokenEvent, User};

/// Seeded timestamps lie before this instant (2026-11-01T00:00:00Z), so that the same seed
/// always gives the same data; live changes use the real clock.
pub const SEED_ANCHOR_MILLIS: i64 = 1_793_491_200_000;
const DAY_MILLIS: i64 = 86_400_000;

use AccountKind::{Client, Operations, Vendor};

/// One catalog entry: id, name, code, description, account types, default, paid.
type CatalogEntry = (&'static str, &'static str, &'static str, &'static str, &'static [AccountKind], bool, bool);

/// The catalog.
// Guess: names and codes of ids other than MOD-0478 (Marketplace) and MOD-1756 (Access
// Management) are invented; the default sets per account type match the ones official e2e
// tests use for Client and Vendor tokens (docs/marketplace-api.md §7.4).
const CATALOG: &[CatalogEntry] = &[
    (
        "MOD-0478",
        "Marketplace",
        "new-marketplace",
        "Browse the catalog, place and track orders.",
        &[Client, Vendor, Operations],
        true,
        false,
    ),
    (
        "MOD-0622",
        "Procurement",
        "procurement",
        "Purchase requests, approvals and buyer management.",
        &[Client],
        true,
        false,
    ),
    (
        "MOD-1239",
        "Account Management",
        "account-management",
        "Manage the account profile, buyers and licensees.",
        &[Client, Vendor, Operations],
        true,
        false,
    ),
    (
        "MOD-1756",
        "Access Management",
        "access-management",
        "Manage users, user groups and API tokens of the account.",
        &[Client, Vendor, Operations],
        true,
        false,
    ),
    (
        "MOD-2907",
        "Platform Account Management",
        "platform-account-management",
        "Administer every account of the platform, with their users and API tokens.",
        &[Operations],
        true,
        false,
    ),
    (
        "MOD-3314",
        "Pricing Intelligence",
        "pricing-intelligence",
        "Price benchmarks and margin analytics (paid add-on).",
        &[Vendor, Client],
        false,
        true,
    ),
    (
        "MOD-4525",
        "Billing",
        "billing",
        "Statements, invoices, journals and credit memos.",
        &[Client, Vendor, Operations],
        true,
        false,
    ),
    (
        "MOD-5842",
        "Helpdesk",
        "helpdesk",
        "Support cases and chats with SoftwareOne.",
        &[Client, Vendor, Operations],
        true,
        false,
    ),
    ("MOD-6338", "Subscriptions", "subscriptions", "Agreements, subscriptions and assets.", &[Client], true, false),
    (
        "MOD-7071",
        "Extensions",
        "extensions",
        "Install and run marketplace extensions.",
        &[Vendor, Operations],
        false,
        false,
    ),
    (
        "MOD-8352",
        "Notifications",
        "notifications",
        "Notification categories, subscribers and messages.",
        &[Client, Vendor, Operations],
        true,
        false,
    ),
    (
        "MOD-8743",
        "Catalog Management",
        "catalog-management",
        "Products, items, price lists and listings.",
        &[Vendor, Operations],
        true,
        false,
    ),
    ("MOD-9042", "Reporting", "reporting", "Reports and data exports.", &[Client, Vendor, Operations], true, false),
];

const ACCOUNT_NAMES: [(AccountKind, &str); 3] =
    [(Operations, "SoftwareOne"), (Vendor, "Contoso Software"), (Client, "Stark Industries")];

const USER_NAMES: &[&str] = &[
    "Sarah Sanderson",
    "Liam O'Connor",
    "Priya Raman",
    "Jonas Becker",
    "Mei Tanaka",
    "Carlos Ortega",
    "Amelia Clarke",
    "Noah Fischer",
    "Fatima Haddad",
    "Oliver Novak",
];

const TOKEN_NAMES: &[&str] = &[
    "ERP sync robot",
    "Billing export",
    "Nightly order import",
    "CI pipeline",
    "Catalog publisher",
    "Price list uploader",
    "Subscription monitor",
    "Helpdesk integration",
    "Usage reporter",
    "Power BI connector",
    "ServiceNow bridge",
    "Terraform provider",
    "Invoice downloader",
    "Azure cost sync",
    "Slack notifier",
    "Backup job",
    "Monitoring probe",
    "Partner portal",
    "Order status webhook",
    "License audit",
    "Data warehouse loader",
    "SAP connector",
];

const TOKEN_SUFFIXES: &[&str] = &["", "", "", " - staging", " - production", " v2", " 2", " - test", " EU", " US"];

const DESCRIPTIONS: &[&str] = &[
    "Nightly export of orders to the ERP",
    "Used by the build pipeline to publish catalog changes",
    "Pulls invoices and statements for finance",
    "Read-only access for dashboards",
    "Syncs subscriptions with the CMDB",
    "Created for the integration project with the \"Atlas\" team",
    "Temporary token for the migration; delete after go-live",
];

/// Fills `store` from its seed: accounts, users, catalog, groups, one admin token per
/// account, `tokens_per_account` more tokens per account, and their audit history.
pub fn populate(store: &mut Store, tokens_per_account: usize) {
    for (kind, name) in ACCOUNT_NAMES {
        let id = store.new_id("ACC", 2);
        store.accounts.push(Account { id, name: name.to_string(), kind });
    }
    for account in 0..store.accounts.len() {
        for _ in 0..3 {
            let id = store.new_id("USR", 2);
            let name = USER_NAMES.choose(store.rng()).copied().unwrap_or("Sam Doe").to_string();
            store.users.push(User { id, name, account });
        }
    }
    for &(id, name, code, description, kinds, default, paid) in CATALOG {
        let module = Module {
            id: id.into(),
            name: name.into(),
            code: code.into(),
            description: description.into(),
            account_types: kinds.to_vec(),
            default,
            paid,
        };
        store.module_json.insert(module.full());
        store.modules.push(module);
    }
    add_event_types(store);
    for account in 0..store.accounts.len() {
        add_groups(store, account);
    }
    for account in 0..store.accounts.len() {
        add_admin_token(store, account);
    }
    // Interleave accounts so that creation order mixes them, as on a real platform.
    let mut used = Vec::new();
    for n in 0..tokens_per_account {
        for account in 0..store.accounts.len() {
            used.extend(add_seed_token(store, account, n, tokens_per_account));
        }
    }
    // Last, so the tokens above are the same with or without this history.
    for (n, (token_id, last_access)) in used.into_iter().enumerate() {
        add_seed_activity(store, &token_id, n, last_access);
    }
}

/// Where seed tokens call from: documentation addresses (RFC 5737), real places.
const ORIGINS: [(&str, &str, &str, &str); 4] = [
    ("203.0.113.10", "GB", "United Kingdom", "Scotland"),
    ("198.51.100.24", "DE", "Germany", "Bavaria"),
    ("192.0.2.55", "US", "United States", "Virginia"),
    ("203.0.113.77", "ES", "Spain", "Madrid"),
];

const USER_AGENTS: [&str; 4] =
    ["python-requests/2.32.3", "swo-cli/1.4.0", "Terraform/1.9.5 swo-provider/0.8.1", "curl/8.5.0"];

/// One to three calls by a token that was used, the last at its last access;
/// every other token calls from a second place too.
fn add_seed_activity(store: &mut Store, token_id: &str, n: usize, last_access: i64) {
    let calls = 1 + n % 3;
    for call in 0..calls {
        let place = if n % 2 == 1 && call + 1 == calls { (n + 1) % ORIGINS.len() } else { n % ORIGINS.len() };
        let (ip, country_code, country_name, region) = ORIGINS[place];
        let origin = CallOrigin {
            ip: ip.into(),
            user_agent: USER_AGENTS[n % USER_AGENTS.len()].into(),
            country_code: country_code.into(),
            country_name: country_name.into(),
            region: region.into(),
        };
        let at = last_access - (calls - 1 - call) as i64 * 3 * DAY_MILLIS;
        store.record_token_activity(token_id, &origin, at);
    }
}

fn add_event_types(store: &mut Store) {
    let types = [
        ("platform.accounts.api-token.created", "API token created", "An API token was created."),
        ("platform.accounts.api-token.updated", "API token updated", "An API token was changed or deleted."),
        ("platform.accounts.api-token.enabled", "API token enabled", "An API token was enabled."),
        ("platform.accounts.api-token.disabled", "API token disabled", "An API token was disabled."),
        ("platform.accounts.user.invited", "User invited", "A user was invited to an account."),
        ("platform.accounts.user-group.updated", "User group updated", "A user group was changed."),
        ("platform.commerce.order.created", "Order created", "An order was placed."),
    ];
    for (key, name, description) in types {
        let id = store.new_id("AET", 2);
        store.event_types.insert(json!({ "id": id, "key": key, "name": name, "description": description }));
    }
}

/// The default group "Administrators" with every module the account may assign, and a
/// smaller non-default group.
fn add_groups(store: &mut Store, account: usize) {
    let kind = store.accounts[account].kind;
    let summary = store.accounts[account].summary();
    let default_modules: Vec<_> = store
        .modules
        .iter()
        .filter(|m| m.in_default_group(kind))
        .map(|m| json!({ "id": m.id, "name": m.name, "code": m.code, "description": m.description }))
        .collect();
    let read_only: Vec<_> = default_modules.iter().take(2).cloned().collect();
    let id = store.new_id("UGR", 2);
    store.groups.insert(json!({
        "id": id,
        "name": "Administrators",
        "description": "Default group: every module enabled for the account.",
        "isDefault": true,
        "account": summary,
        "modules": default_modules,
    }));
    let id = store.new_id("UGR", 2);
    store.groups.insert(json!({
        "id": id,
        "name": "Read only",
        "isDefault": false,
        "account": summary,
        "modules": read_only,
    }));
}

fn seed_user(store: &mut Store, account: usize) -> Actor {
    let users: Vec<User> = store.users.iter().filter(|u| u.account == account).cloned().collect();
    let index = store.rng().random_range(0..users.len().max(1));
    let user = users.get(index).cloned();
    let (id, name) = user.map(|u| (u.id, u.name)).unwrap_or_else(|| ("USR-0000-0000".into(), "System".into()));
    Actor { id, name, account, ip: None, user_agent: None }
}

fn add_admin_token(store: &mut Store, account: usize) {
    let kind = store.accounts[account].kind;
    let modules: Vec<String> =
        store.modules.iter().filter(|m| m.in_default_group(kind)).map(|m| m.id.clone()).collect();
    let by = seed_user(store, account);
    let at = SEED_ANCHOR_MILLIS - 400 * DAY_MILLIS;
    let name = format!("{} admin", store.accounts[account].name);
    let id = store.insert_token(
        account,
        &name,
        Some("Administration token of the account"),
        None,
        &modules,
        "Active",
        &by,
        at,
    );
    store.record_token_event(TokenEvent::Created, &id, &by, at);
    store.admin_tokens.push(id);
}

/// Adds one token and its history; returns its id and last access when it was used and is active.
fn add_seed_token(store: &mut Store, account: usize, n: usize, total: usize) -> Option<(String, i64)> {
    let kind = store.accounts[account].kind;
    let assignable: Vec<String> =
        store.modules.iter().filter(|m| m.in_default_group(kind)).map(|m| m.id.clone()).collect();
    let rng = store.rng();
    let name = format!(
        "{}{}",
        TOKEN_NAMES.choose(rng).copied().unwrap_or("Robot"),
        TOKEN_SUFFIXES.choose(rng).copied().unwrap_or("")
    );
    let description = if rng.random_bool(0.7) { DESCRIPTIONS.choose(rng).copied() } else { None };
    let modules: Vec<String> = assignable.iter().filter(|_| rng.random_bool(0.5)).cloned().collect();
    let roll = rng.random_range(0..100);
    // Spread creation over the year before the anchor, in order of `n`.
    let span = 360 * DAY_MILLIS;
    let created =
        SEED_ANCHOR_MILLIS - span + span * n as i64 / total.max(1) as i64 + rng.random_range(0..DAY_MILLIS / 2);
    let last_access = rng.random_bool(0.8).then(|| created + rng.random_range(0..30 * DAY_MILLIS));
    let by = seed_user(store, account);
    let id = store.insert_token(account, &name, description, None, &modules, "Active", &by, created);
    store.record_token_event(TokenEvent::Created, &id, &by, created);
    let later = created + DAY_MILLIS;
    let (status, event) = match roll {
        0..75 => ("Active", None),
        75..90 => ("Disabled", Some(TokenEvent::Disabled)),
        _ => ("Deleted", Some(TokenEvent::Deleted)),
    };
    if let Some(event) = event {
        store.tokens.update(&id, |token| token["status"] = json!(status));
        store.touch_token(&id, &by, later);
        store.record_token_event(event, &id, &by, later);
    }
    if let Some(at) = last_access {
        store.tokens.update(&id, |token| token["lastAccessAt"] = json!(crate::clock::format_millis(at)));
    }
    last_access.filter(|_| status == "Active").map(|at| (id, at))
}
