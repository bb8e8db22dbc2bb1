//! The simulator's data: accounts, users, modules, user groups, API tokens, audit records
//! and event types, with the few typed facts the rules need and the JSON each is served as.

use std::collections::{HashMap, HashSet};

use rand::distr::Alphanumeric;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

use crate::AccountKind;
use crate::clock::format_millis;
use crate::collection::Collection;
use crate::resources;

/// Module code that lets a token manage its own account's API tokens (docs/marketplace-api.md §6).
pub const ACCESS_MANAGEMENT: &str = "access-management";
/// Module code that lets an Operations token reach other accounts (docs/marketplace-api.md §6).
pub const PLATFORM_ACCOUNT_MANAGEMENT: &str = "platform-account-management";

/// A platform account.
#[derive(Debug, Clone)]
pub struct Account {
    /// `ACC-dddd-dddd`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Operations, Vendor or Client.
    pub kind: AccountKind,
}

impl Account {
    /// The account as embedded in tokens and user groups (OpenAPI `Account`: name, status
    /// and type are required there).
    pub fn summary(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "type": self.kind.as_str(),
            "status": "Active",
            "icon": format!("/v1/accounts/accounts/{}/icon", self.id),
        })
    }
}

/// A user of an account (seeded actors of the audit history).
#[derive(Debug, Clone)]
pub struct User {
    /// `USR-dddd-dddd`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Index into [`Store::accounts`].
    pub account: usize,
}

/// A module of the catalog.
#[derive(Debug, Clone)]
pub struct Module {
    /// `MOD-dddd`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Stable machine code such as `access-management`.
    pub code: String,
    /// One sentence.
    pub description: String,
    /// Account types the module may be used in.
    pub account_types: Vec<AccountKind>,
    /// Enabled by default for new accounts.
    pub default: bool,
    /// A paid add-on (never in default groups).
    pub paid: bool,
}

impl Module {
    /// Full JSON as `/accounts/modules` serves it.
    pub fn full(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "code": self.code,
            "description": self.description,
            "accountTypes": self.account_types.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "isConfigurable": !self.default,
            "isEnabledByDefault": self.default,
            "paid": self.paid,
            "settings": {
                "configurable": !self.default,
                "default": self.default,
                "paid": self.paid,
                "sharedAccount": false,
                "type": ["new"],
            },
        })
    }

    /// The summary embedded in tokens: `{id, name}`.
    // Guess: token responses carry module summaries of id and name (docs/marketplace-api.md §7.3).
    pub fn summary(&self) -> Value {
        json!({ "id": self.id, "name": self.name })
    }

    /// Whether the default group of an account of `kind` holds this module.
    pub fn in_default_group(&self, kind: AccountKind) -> bool {
        self.account_types.contains(&kind) && self.default && !self.paid
    }
}

/// Who made a change: a user (seed history) or the calling token.
#[derive(Debug, Clone)]
pub struct Actor {
    /// `USR-…` or `TKN-…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Index into [`Store::accounts`].
    pub account: usize,
    /// Client IP of the request, if it came over the API.
    pub ip: Option<String>,
    /// User agent of the request.
    pub user_agent: Option<String>,
}

/// What a token change was; each writes one audit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenEvent {
    /// POST create.
    Created,
    /// PUT update.
    Updated,
    /// POST enable.
    Enabled,
    /// POST disable.
    Disabled,
    /// DELETE (soft).
    Deleted,
}

impl TokenEvent {
    /// The event key.
    // Guess: token event keys were not found anywhere; these follow the documented
    // `platform.<namespace>.<object>.<action>` pattern, and deletion is a status change
    // recorded as an update (docs/marketplace-api.md §8.4).
    pub fn key(self) -> &'static str {
        match self {
            Self::Created => "platform.accounts.api-token.created",
            Self::Updated | Self::Deleted => "platform.accounts.api-token.updated",
            Self::Enabled => "platform.accounts.api-token.enabled",
            Self::Disabled => "platform.accounts.api-token.disabled",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Deleted => "deleted",
        }
    }
}

/// Everything the simulator serves.
pub struct Store {
    /// Operations, Vendor and Client, in that order.
    pub accounts: Vec<Account>,
    /// Seeded users.
    pub users: Vec<User>,
    /// The module catalog.
    pub modules: Vec<Module>,
    /// Module catalog as JSON, in catalog order.
    pub module_json: Collection,
    /// User groups as JSON.
    pub groups: Collection,
    /// API tokens as JSON (full, with `audit`).
    pub tokens: Collection,
    /// Account index of each token.
    pub token_account: HashMap<String, usize>,
    /// Secret → token id, for authentication.
    pub secrets: HashMap<String, String>,
    /// Audit records as JSON.
    pub records: Collection,
    /// Audit event types as JSON.
    pub event_types: Collection,
    /// The admin token id of each account, by account index.
    pub admin_tokens: Vec<String>,
    rng: ChaCha8Rng,
    used_ids: HashSet<String>,
}

impl Store {
    /// An empty store whose ids and secrets come from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            accounts: Vec::new(),
            users: Vec::new(),
            modules: Vec::new(),
            module_json: Collection::new(&resources::MODULES),
            groups: Collection::new(&resources::GROUPS),
            tokens: Collection::new(&resources::TOKENS),
            token_account: HashMap::new(),
            secrets: HashMap::new(),
            records: Collection::new(&resources::RECORDS),
            event_types: Collection::new(&resources::EVENT_TYPES),
            admin_tokens: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            used_ids: HashSet::new(),
        }
    }

    /// The random source of the seed data (deterministic per seed).
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// A fresh unique id `PREFIX-dddd-dddd…` with `groups` groups of four digits.
    pub fn new_id(&mut self, prefix: &str, groups: usize) -> String {
        loop {
            let mut id = prefix.to_string();
            for _ in 0..groups {
                id.push_str(&format!("-{:04}", self.rng.random_range(0..10_000)));
            }
            if self.used_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// A fresh token secret `idt:TKN-…:<64 alphanumerics>` (docs/marketplace-api.md §3.1).
    pub fn new_secret(&mut self, token_id: &str) -> String {
        let opaque: String = (&mut self.rng).sample_iter(Alphanumeric).take(64).map(char::from).collect();
        format!("idt:{token_id}:{opaque}")
    }

    /// Index of the account with this id.
    pub fn account_index(&self, id: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.id == id)
    }

    /// The module with this id.
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }

    /// Codes of a token's modules.
    pub fn token_module_codes(&self, token: &Value) -> Vec<String> {
        token["modules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["id"].as_str())
            .filter_map(|id| self.module(id))
            .map(|m| m.code.clone())
            .collect()
    }

    /// Inserts a new token and returns its id. `modules` must already be valid.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_token(
        &mut self,
        account: usize,
        name: &str,
        description: Option<&str>,
        icon: Option<&str>,
        module_ids: &[String],
        status: &str,
        by: &Actor,
        at: i64,
    ) -> String {
        let id = self.new_id("TKN", 2);
        let secret = self.new_secret(&id);
        let modules: Vec<Value> = module_ids.iter().filter_map(|m| self.module(m)).map(Module::summary).collect();
        let mut token = json!({
            "id": id,
            "name": name,
            "status": status,
            "token": secret,
            "account": self.accounts[account].summary(),
            "modules": modules,
            "revision": 1,
            "audit": { "created": event_stamp(by, at), "updated": event_stamp(by, at) },
        });
        set_optional(&mut token, "description", description);
        token["icon"] = json!(icon.unwrap_or_default());
        self.secrets.insert(secret, id.clone());
        self.token_account.insert(id.clone(), account);
        self.tokens.insert(token);
        id
    }

    /// Marks a token changed by `by` at `at`: bumps `revision`, stamps `audit.updated`.
    pub fn touch_token(&mut self, id: &str, by: &Actor, at: i64) {
        let stamp = event_stamp(by, at);
        self.tokens.update(id, |token| {
            let revision = token["revision"].as_i64().unwrap_or(0) + 1;
            token["revision"] = json!(revision);
            token["audit"]["updated"] = stamp;
        });
    }

    /// Writes the audit record of a token change.
    pub fn record_token_event(&mut self, event: TokenEvent, token_id: &str, by: &Actor, at: i64) {
        let Some(token) = self.tokens.get(token_id) else { return };
        let token_name = token["name"].as_str().unwrap_or_default().to_string();
        let owner = self.token_account.get(token_id).copied().unwrap_or(by.account);
        let verb = event.verb();
        let id = self.new_id("AUD", 4);
        let actor_account = &self.accounts[by.account];
        let mut viewers = vec![viewer(&self.accounts[owner])];
        if by.account != owner {
            viewers.push(viewer(actor_account));
        }
        let mut record = json!({
            "id": id,
            "event": event.key(),
            "summary": format!("API token {{{{object.id}}}} {verb}"),
            "details": format!("API token {{{{object.name}}}} was {verb} by {{{{actor.name}}}}."),
            "object": { "id": token_id, "name": token_name, "objectType": "ApiToken" },
            "timestamp": format_millis(at),
            "actor": {
                "id": by.id,
                "name": by.name,
                "account": {
                    "id": actor_account.id,
                    "name": actor_account.name,
                    "accountType": actor_account.kind.as_str(),
                },
            },
            // Guess: token changes are visible to the token's account (docs/marketplace-api.md §8.3).
            "type": "Public",
            "viewers": viewers,
        });
        if let Some(ip) = &by.ip {
            let mut api = Map::new();
            api.insert("ip".into(), json!(ip));
            if let Some(agent) = &by.user_agent {
                api.insert("userAgent".into(), json!(agent));
            }
            record["request"] = json!({ "api": api });
        } else {
            record["request"] = json!({ "worker": { "workerName": "marketplace-portal" } });
        }
        self.records.insert(record);
    }
}

/// Where a call by a token came from, as the platform's audit records tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOrigin {
    /// The client's IP address.
    pub ip: String,
    /// Its user agent.
    pub user_agent: String,
    /// ISO 3166 country code, e.g. `GB`.
    pub country_code: String,
    /// Country name.
    pub country_name: String,
    /// Region within the country.
    pub region: String,
}

impl Store {
    /// Writes the audit record of something a token did through the API (an
    /// order it placed), as seen from `origin`. Guess: the reference shows
    /// `request.api.geolocation` on records but not which events carry it;
    /// the simulator gives it to every API call it records.
    pub fn record_token_activity(&mut self, token_id: &str, origin: &CallOrigin, at: i64) {
        let Some(token) = self.tokens.get(token_id) else { return };
        let token_name = token["name"].as_str().unwrap_or_default().to_string();
        let Some(&owner) = self.token_account.get(token_id) else { return };
        let id = self.new_id("AUD", 4);
        let order = self.new_id("ORD", 3);
        let account = &self.accounts[owner];
        let record = json!({
            "id": id,
            "event": "platform.commerce.order.created",
            "summary": "Order {{object.id}} created",
            "details": "Order {{object.id}} was created by {{actor.name}}.",
            "object": { "id": order, "name": "Order", "objectType": "Order" },
            "timestamp": format_millis(at),
            "actor": {
                "id": token_id,
                "name": token_name,
                "account": { "id": account.id, "name": account.name, "accountType": account.kind.as_str() },
            },
            "type": "Public",
            "viewers": [viewer(account)],
            "request": { "api": {
                "ip": origin.ip,
                "userAgent": origin.user_agent,
                "geolocation": {
                    "countryCode": origin.country_code,
                    "countryName": origin.country_name,
                    "region": origin.region,
                },
            } },
        });
        self.records.insert(record);
    }
}

/// `{at, by: {id, name, icon?}}` of the embedded audit block.
fn event_stamp(by: &Actor, at: i64) -> Value {
    let mut who = json!({ "id": by.id, "name": by.name });
    if by.id.starts_with("USR-") {
        who["icon"] = json!(format!("/v1/accounts/users/{}/icon", by.id));
    }
    json!({ "at": format_millis(at), "by": who })
}

fn viewer(account: &Account) -> Value {
    json!({ "id": account.id, "name": account.name, "type": account.kind.as_str() })
}

/// Sets `field` to the text, or removes it when `None`: the platform omits nulls.
pub fn set_optional(object: &mut Value, field: &str, text: Option<&str>) {
    if let Some(map) = object.as_object_mut() {
        match text {
            Some(text) => map.insert(field.to_string(), json!(text)),
            None => map.remove(field),
        };
    }
}
