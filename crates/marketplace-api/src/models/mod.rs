//! Typed models of the Marketplace's JSON objects.
//!
//! They are tolerant of what the platform may add or leave out: unknown fields are ignored,
//! most fields are optional (a `select` can drop them), and an unknown status or type is kept
//! as [`Other`](TokenStatus::Other) rather than failing the whole answer.

mod audit;
mod common;
mod module;
mod open_enum;
mod token;
mod user_group;

pub use audit::{
    ApiRequestInfo, AuditActor, AuditActorAccount, AuditObject, AuditRecord, AuditRecordType, AuditRequest, EventType,
    Geolocation, LogInfo, WorkerInfo,
};
pub(crate) use common::ListEnvelope;
pub use common::{
    AccountRef, AccountStatus, AccountType, AuditBlock, AuditEvent, ListItem, ObjectMeta, ObjectRef, Page,
};
pub use module::{Module, ModuleSettings};
pub use token::{ApiToken, ApiTokenUpdate, NewApiToken, TokenStatus};
pub use user_group::UserGroup;

impl ListItem for AuditRecord {}
impl ListItem for EventType {}
impl ListItem for Module {}
impl ListItem for UserGroup {}
