//! What Token Desk keeps on this device to act on later: review-by dates and
//! rotations with their grace periods.

pub(crate) mod review_dates;
pub(crate) mod rotation;
