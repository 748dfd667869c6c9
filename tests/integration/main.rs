#![recursion_limit = "512"]
//! Integration tests: the real router on a loopback port, the mock upstream on another, a
//! temporary SQLite file. Everything goes over real HTTP. One binary, to link once.

mod audit;
mod audit_chain;
mod auth;
mod bulk;
mod cases;
mod cli;
mod client;
mod crash;
mod deletions;
mod downloads;
mod evidence;
mod faults;
mod floors;
mod go;
mod health;
mod holds;
mod identity;
mod meeting_state;
mod hostile;
mod meetings_api;
mod oidc;
mod metrics;
mod postgres;
mod properties;
mod recordings_api;
mod recordings_cache;
mod replicas;
mod retention;
mod serving;
mod sessions;
mod sso;
mod support;
