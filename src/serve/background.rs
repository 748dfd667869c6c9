//! What runs beside the router in every replica: the expired-session cleanup, the follower of
//! changes made elsewhere, and the workers. Started once by start-up (or by a test), never by
//! building the router.

use std::time::Duration;

use crate::server::state::AppState;

/// How often each replica deletes expired sessions (any replica may; the delete is idempotent).
const SESSION_CLEANUP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Which workers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    All,
    /// No deletion, bulk or retention worker: tests that drive `deletions::worker::tick`,
    /// `bulk::worker::tick` and retention's steps by hand, so that no second worker takes a step
    /// from under them.
    NoDeletionWorker,
}

pub fn start(state: &AppState, which: Background) {
    state.sessions.clone().spawn_cleanup(SESSION_CLEANUP_EVERY);
    let kept = state.clone();
    let recordings = Box::new(move |meeting: Option<&str>| match meeting.map(crate::domain::MeetingId::parse) {
        Some(Ok(id)) => kept.recordings.kept().forget(&id),
        Some(Err(_)) => tracing::warn!(payload = ?meeting, "a recordings change names no meeting id; ignored"),
        None => kept.recordings.kept().forget_all(),
    });
    crate::server::store::changes::spawn(&state.db, crate::server::store::changes::Followers { identity: state.identity.clone(), recordings });
    // Notices are sent once whoever sends them, so tests that drive the workers by hand keep this one.
    crate::server::deletions::notices::spawn(state.clone());
    crate::server::cases::reminders::spawn(state.clone());
    if which == Background::All {
        crate::server::deletions::worker::spawn(state.clone());
        crate::server::bulk::worker::spawn(state.clone());
        crate::server::retention::inventory::spawn(state.clone());
        crate::server::retention::sweep::spawn(state.clone());
    }
}
