//! The audit trail: records and event types.

use futures::stream::BoxStream;

use crate::client::{Client, item_path};
use crate::error::Error;
use crate::list_all::ListProgress;
use crate::models::{AuditRecord, EventType, Page};
use crate::rql::Query;

const RECORDS: &str = "/public/v1/audit/records";
const EVENT_TYPES: &str = "/public/v1/audit/event-types";

impl Client {
    /// One page of audit records; filter by `object.id` for one token's history, add
    /// [`Query::render`] to fill in the `{{…}}` placeholders.
    pub async fn list_audit_records(&self, query: &Query) -> Result<Page<AuditRecord>, Error> {
        self.get_page(RECORDS, query).await
    }

    /// Every audit record matching `query`, page by page in order.
    pub fn list_all_audit_records(&self, query: Query) -> BoxStream<'static, Result<ListProgress<AuditRecord>, Error>> {
        self.list_all(RECORDS, query)
    }

    /// One audit record; `render` fills in the placeholders of its summary and details.
    pub async fn get_audit_record(&self, id: &str, render: bool) -> Result<AuditRecord, Error> {
        let query = if render { Query::new().render() } else { Query::new() };
        self.get(&item_path(RECORDS, id)?, &query.to_query_string()?).await
    }

    /// One page of event types.
    pub async fn list_event_types(&self, query: &Query) -> Result<Page<EventType>, Error> {
        self.get_page(EVENT_TYPES, query).await
    }

    /// Every event type matching `query`, page by page in order.
    pub fn list_all_event_types(&self, query: Query) -> BoxStream<'static, Result<ListProgress<EventType>, Error>> {
        self.list_all(EVENT_TYPES, query)
    }

    /// One event type.
    pub async fn get_event_type(&self, id: &str) -> Result<EventType, Error> {
        self.get(&item_path(EVENT_TYPES, id)?, "").await
    }
}
