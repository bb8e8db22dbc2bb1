//! Token Desk's own files: written atomically and privately, read on first use,
//! set aside when damaged, and sealed when they drive enable and disable.

pub(crate) mod file_seal;
pub(crate) mod files;
pub(crate) mod local_store;
