//! What we keep about meetings: those created here, those each person opened, legal holds, and
//! each meeting's hold, open deletion request and history kept in memory while they stand.

pub mod created;
pub mod holds;
pub mod opened;
pub mod state;
