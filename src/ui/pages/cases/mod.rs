//! `/cases`: erasure requests as cases. The list with its filters and the form that opens one
//! (`list`), a case's page (`case`), and its printable deletion record (`record`).

mod case;
mod list;
mod record;

pub use case::CasePage;
pub use list::CasesPage;
pub use record::CaseRecordPage;
