//! Everything that only the server build has.

pub mod config;
pub mod connectycube;
pub mod db;
pub mod http;
pub mod mock_upstream;
pub mod secret;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod vendor_errors;
