//! The audit trail: a token's records, their export to a file, and the usage
//! insight and new-origin alerts drawn from them.

pub(crate) mod account;
pub(crate) mod actions;
pub(crate) mod export;
pub(crate) mod usage;
