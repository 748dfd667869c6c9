//! The composition root: builds the state from the configuration, the router from the state
//! (`router::router`, pure), starts the background work, and serves. The plain handlers that
//! sit beside the server functions live here too, since they call into `api` and `server` alike.

pub mod background;
pub mod bulk_files;
pub mod downloads;
pub mod exports;
pub mod form_errors;
pub mod metrics;
pub mod oidc;
pub mod probes;
pub mod recordings_json;
pub mod router;
pub mod startup;
