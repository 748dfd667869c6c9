//! Everything that only the server build has.

pub mod audit;
pub mod audit_cli;
pub mod auth;
pub mod client_addr;
pub mod clock;
pub mod config;
pub mod connectycube;
pub mod created_meetings;
pub mod bulk;
pub mod deletions;
pub mod downloads;
pub mod error_page;
pub mod html_tidy;
pub mod legal_holds;
pub mod http;
pub mod mock_upstream;
pub mod opened_meetings;
pub mod recordings_cache;
pub mod secret;
pub mod sso;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod user_cli;
