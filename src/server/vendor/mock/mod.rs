//! A faithful mock of the three ConnectyCube admin endpoints, as an axum `Router`.
//!
//! Demo mode, the Rust integration tests and the browser tests all run against this same code.
//! It keeps meetings and recordings in memory, checks the key like the vendor, validates
//! create-meeting bodies, serves real (small) video files behind presigned-style links, and has
//! switchable faults (`POST /_mock/faults`) for tests.

mod faults;
mod routes;
mod state;

pub use faults::Faults;
pub use routes::files_router;
pub use state::{MockStats, MockUpstream, ReceivedRequest, DEMO_MEETINGS, SAMPLE_VIDEO};
