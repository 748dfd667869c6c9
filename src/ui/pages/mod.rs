mod confirm_delete;
mod find;
mod home;
mod not_found;
mod recordings;

pub use confirm_delete::{ConfirmDelete, ConfirmDeletePage};
pub use find::FindRecordingsPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use recordings::RecordingsPage;
