mod alert;
pub mod browser;
mod find_form;
mod frame;
mod legal_hold;
mod local_time;
mod pager;
mod reason_field;

pub use alert::ErrorAlert;
pub use find_form::FindRecordingsForm;
pub use frame::{provide_frame, use_frame, Frame};
pub use legal_hold::{HoldControls, HoldNotice};
pub use local_time::LocalTime;
pub use pager::Pager;
pub use reason_field::ReasonField;
