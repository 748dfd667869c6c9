//! Everything that only the server build has.

pub mod access;
pub mod allocator;
pub mod audit;
pub mod audit_budget;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod bulk;
pub mod deletions;
pub mod evidence;
pub mod lru;
pub mod metrics;
pub mod meetings;
pub mod recordings;
pub mod retention;
pub mod scrub;
pub mod secret;
pub mod sso;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod workers;
pub mod fn_context;
pub mod http;
pub mod vendor;
