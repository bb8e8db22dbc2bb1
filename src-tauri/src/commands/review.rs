//! Review-by dates: kept on this device, shown on the list and the token page.

use desk_core::{DeskError, ReviewBy, TokenReview};

use super::DeskState;

/// Every review date of the connection's tokens.
#[tauri::command]
#[specta::specta]
pub async fn review_dates(desk: DeskState<'_>, connection_id: String) -> Result<Vec<TokenReview>, DeskError> {
    desk.review_dates(&connection_id).await
}

/// Sets a token's review date, or removes it with `None`.
#[tauri::command]
#[specta::specta]
pub async fn set_review_by(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
    review: Option<ReviewBy>,
) -> Result<Option<TokenReview>, DeskError> {
    desk.set_review_by(&connection_id, &token_id, review).await
}
