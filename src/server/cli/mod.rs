//! The console's subcommands: `user` (accounts) and `audit export`.

pub mod audit;
pub mod user;
