//! Guided rotation: Rotate… on a token page, and the plans it leaves.

use desk_core::{DeskError, GracePeriod, Rotation, RotationStarted};

use super::DeskState;

/// The connection's rotations under way and recently finished.
#[tauri::command]
#[specta::specta]
pub async fn rotations(desk: DeskState<'_>, connection_id: String) -> Result<Vec<Rotation>, DeskError> {
    desk.rotations(&connection_id).await
}

/// Creates a token's successor and plans the old one's disable after `grace`.
#[tauri::command]
#[specta::specta]
pub async fn rotate_token(
    desk: DeskState<'_>,
    connection_id: String,
    token_id: String,
    grace: GracePeriod,
) -> Result<RotationStarted, DeskError> {
    desk.rotate_token(&connection_id, &token_id, grace).await
}

/// Disables a rotation's old token now.
#[tauri::command]
#[specta::specta]
pub async fn finish_rotation(
    desk: DeskState<'_>,
    connection_id: String,
    rotation_id: String,
) -> Result<Rotation, DeskError> {
    desk.finish_rotation(&connection_id, &rotation_id).await
}

/// Keeps both tokens of a rotation.
#[tauri::command]
#[specta::specta]
pub async fn cancel_rotation(
    desk: DeskState<'_>,
    connection_id: String,
    rotation_id: String,
) -> Result<Rotation, DeskError> {
    desk.cancel_rotation(&connection_id, &rotation_id).await
}
