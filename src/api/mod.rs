//! Server functions: the only door from the browser to the vendor. Each one is a public HTTP
//! endpoint under `/api/` and checks everything itself.

pub mod audit;
pub mod auth;
pub mod bulk;
pub mod cases;
pub mod deletions;
pub mod go;
pub mod holds;
pub mod info;
pub mod meetings;
pub mod recordings;
pub mod retention;
pub mod sharing;

