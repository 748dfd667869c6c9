//! Who is asking, and whether they may: local accounts, sessions, the sign-in throttle, and the
//! request-level guards (page sign-in redirect, cross-site refusal), run as one middleware (`gate`).

pub mod current;
pub mod gate;
pub mod guard;
pub mod identity_cache;
pub mod password;
pub mod renew;
pub mod session;
pub mod throttle;
pub mod users;

pub use session::{CurrentStaff, SessionSettings};
