//! Tokens: the actions on them, the list queries, the views the window sees,
//! the form's rules, the ids' shapes and the copy formats.

pub(crate) mod actions;
pub(crate) mod batching;
pub mod bulk;
pub(crate) mod copy_as;
pub mod directory;
pub mod ids;
pub(crate) mod privilege;
pub mod queries;
pub mod remembered;
pub mod rows;
pub mod validation;
pub mod views;
