//! Erasure requests as cases: kept in the store (`store`), changed through `service`, closed
//! with a signed deletion record (`record`), and reminded of their deadline (`reminders`).

pub mod record;
pub mod reminders;
pub mod service;
pub mod store;
