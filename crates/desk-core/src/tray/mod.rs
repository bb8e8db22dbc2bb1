//! The tray: the menu's model and what its entries do, and the panic button
//! with its undo.

pub(crate) mod menu;
pub(crate) mod messages;
pub(crate) mod panic_button;
