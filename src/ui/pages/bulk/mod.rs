//! The bulk pages: a list of meetings made into a batch (`list`), one batch followed live
//! (`batch`), and what can be done with it (`forms`).

mod batch;
mod forms;
mod list;

pub use batch::BatchPage;
pub use list::BulkPage;
