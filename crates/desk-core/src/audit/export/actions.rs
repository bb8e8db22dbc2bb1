//! Writing a trail to a file, page by page, with progress and a cancel.

use crate::desk::Desk;
use crate::error::{DeskError, ErrorKind};
use futures::StreamExt;
use std::path::Path;
use std::sync::atomic::Ordering;

use super::*;

impl Desk {
    /// Writes the records of `scope` to `path` as `format`, newest first,
    /// reporting progress after every page; [`Desk::cancel_export`] stops it
    /// (a `Refused` error, and no file left). One export runs at a time.
    pub async fn export_audit(
        &self,
        connection_id: &str,
        scope: &AuditExportScope,
        format: ExportFormat,
        path: &Path,
        on_progress: impl FnMut(ExportProgress) + Send,
    ) -> Result<ExportSummary, DeskError> {
        let cancel = CancelFlag::default();
        *self.exports.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(cancel.clone());
        let exported = self.export_audit_until(connection_id, scope, format, path, &cancel, on_progress).await;
        self.exports.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        exported
    }

    /// Stops the running export between two pages; its file is not written.
    pub fn cancel_export(&self) {
        if let Some(cancel) = self.exports.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).as_ref() {
            cancel.store(true, Ordering::SeqCst);
        }
    }

    /// [`Desk::export_audit`], stopped when `cancel` is set.
    pub async fn export_audit_until(
        &self,
        connection_id: &str,
        scope: &AuditExportScope,
        format: ExportFormat,
        path: &Path,
        cancel: &CancelFlag,
        mut on_progress: impl FnMut(ExportProgress) + Send,
    ) -> Result<ExportSummary, DeskError> {
        self.require_unlocked("export the audit trail")?;
        let query = scope_query(scope)?.render();
        let client = self.client(connection_id).await?;
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        let fail = |error: &dyn std::fmt::Display| {
            DeskError::new(
                ErrorKind::Storage,
                format!(
                    "Token Desk could not write {}: {}.",
                    path.display(),
                    crate::storage::files::file_problem(error)
                ),
            )
        };
        let temp = tempfile::NamedTempFile::new_in(dir).map_err(|error| fail(&error))?;
        let mut rows = RowWriter::new(format, std::io::BufWriter::new(temp.as_file())).map_err(|error| fail(&error))?;
        let mut pages = client.list_all_audit_records(query);
        let mut written: u32 = 0;
        while let Some(page) = pages.next().await {
            if cancel.load(Ordering::SeqCst) {
                return Err(DeskError::new(ErrorKind::Refused, "The export was cancelled; no file was written."));
            }
            let page = page?;
            for record in &page.items {
                rows.write(&ExportRow::of(record)).map_err(|error| fail(&error))?;
                written = written.saturating_add(1);
            }
            on_progress(ExportProgress { written, total: page.total.map(|t| u32::try_from(t).unwrap_or(u32::MAX)) });
        }
        if cancel.load(Ordering::SeqCst) {
            return Err(DeskError::new(ErrorKind::Refused, "The export was cancelled; no file was written."));
        }
        rows.finish().map_err(|error| fail(&error))?;
        temp.as_file().sync_all().map_err(|error| fail(&error))?;
        temp.persist(path).map_err(|error| fail(&error.error))?;
        Ok(ExportSummary { records: written, path: path.display().to_string() })
    }
}
