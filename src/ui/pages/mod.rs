mod audit;
mod confirm_delete;
mod find;
mod home;
mod meeting;
mod new_meeting;
mod not_found;
mod recordings;
mod sign_in;

pub use audit::{AuditPage, EntryTable};
pub use confirm_delete::{ConfirmDelete, ConfirmDeletePage};
pub use find::FindRecordingsPage;
pub use home::HomePage;
pub use meeting::MeetingPage;
pub use new_meeting::NewMeetingPage;
pub use not_found::NotFound;
pub use recordings::RecordingsPage;
pub use sign_in::SignInPage;
