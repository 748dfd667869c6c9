//! What every request and response passes through: its id, the protective headers, the assets,
//! the tidy pass over pages, error pages, bodies' size, and serving connections.

pub mod assets;
pub mod bodies;
pub mod caching;
pub mod client_addr;
pub mod error_page;
pub mod finishing;
pub mod html_tidy;
pub mod listening;
pub mod metering;
pub mod protection;
pub mod request_id;
