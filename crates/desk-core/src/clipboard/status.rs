//! What the clipboard holds of Token Desk's: what the window shows and the
//! clipboard event carries.

use serde::Serialize;

/// What the clipboard holds of Token Desk's, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ClipboardStatus {
    /// What was copied, in words ("the value of Billing export"); `None` once
    /// nothing of Token Desk's is on the clipboard (cleared, or replaced).
    pub holding: Option<String>,
    /// When it will be cleared (milliseconds since the Unix epoch); `None` for
    /// no automatic clearing.
    #[specta(type = Option<f64>)]
    pub clears_at_ms: Option<u64>,
}

impl ClipboardStatus {
    pub(crate) fn empty() -> Self {
        Self { holding: None, clears_at_ms: None }
    }
}
