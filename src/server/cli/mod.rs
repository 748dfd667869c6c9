//! The console's subcommands: `user` (accounts), `audit export` and `audit verify`, and `evidence`.

pub mod audit;
pub mod evidence;
pub mod user;
