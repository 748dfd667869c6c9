mod alert;
mod find_form;
mod local_time;

pub use alert::ErrorAlert;
pub use find_form::FindRecordingsForm;
pub use local_time::LocalTime;
