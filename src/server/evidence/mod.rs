//! Records a privacy officer can file and anyone can check: the key they are signed with
//! (`key`) and the signed file's layout (`signed`).

pub mod key;
pub mod signed;
