//! Pages (one per route) and the components they share.

pub mod components;
pub mod pages;
pub mod reads;
