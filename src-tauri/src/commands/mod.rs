//! The typed commands the UI invokes, one small file per screen. Each command
//! is a thin adapter: it takes what the runtime knows (state, the app handle)
//! and calls one `desk-core` method.

pub mod app;
pub mod audit;
pub mod connections;
pub mod lock;
pub mod panic;
pub mod review;
pub mod rotation;
pub mod settings;
pub mod tokens;

use std::sync::Arc;

use desk_core::Desk;

/// The desk as commands receive it from Tauri's managed state.
pub type DeskState<'a> = tauri::State<'a, Arc<Desk>>;
