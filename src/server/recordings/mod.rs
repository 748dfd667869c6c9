//! Meetings' recordings lists: the vendor calls for them (one per meeting at a time), and the
//! lists kept a few seconds for paging and sorting.

pub mod cache;
pub mod lists;
pub mod relay;
