//! The ConnectyCube admin API: our client for it, its connections, the links it hands out, the
//! mock that stands in for it in demo mode and tests, and what its failures mean to a user.

pub mod client;
pub mod connection;
pub mod errors;
pub mod links;
pub mod mock;
