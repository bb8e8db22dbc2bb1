//! The Audit trail tab: what was done to a token, what it did, one record in full.

use futures::TryStreamExt;
use marketplace_api::rql::Query;

use crate::desk::Desk;
use crate::error::DeskError;
use crate::tokens::queries::AuditQuery;
use crate::tokens::views::{AuditPage, AuditRecordView, EventTypeView};

impl Desk {
    /// One page of a token's audit trail, newest first.
    pub async fn token_audit(&self, connection_id: &str, query: &AuditQuery) -> Result<AuditPage, DeskError> {
        let rql = query.to_query()?;
        let page = self.client(connection_id).await?.list_audit_records(&rql.render()).await?;
        Ok(AuditPage::from(&page))
    }

    /// One audit record in full, with its placeholders rendered.
    pub async fn audit_record(&self, connection_id: &str, record_id: &str) -> Result<AuditRecordView, DeskError> {
        crate::tokens::ids::checked(crate::tokens::ids::IdKind::AuditRecord, record_id)?;
        let record = self.client(connection_id).await?.get_audit_record(record_id, true).await?;
        Ok(AuditRecordView::from(&record))
    }

    /// Every audit event type, for the event filter.
    pub async fn event_types(&self, connection_id: &str) -> Result<Vec<EventTypeView>, DeskError> {
        let client = self.client(connection_id).await?;
        let pages: Vec<_> = client.list_all_event_types(Query::new().order_by("key")).try_collect().await?;
        Ok(pages.iter().flat_map(|page| page.items.iter().map(EventTypeView::from)).collect())
    }
}
