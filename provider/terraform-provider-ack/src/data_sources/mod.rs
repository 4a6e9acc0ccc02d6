pub mod cluster;
pub mod editions;
pub mod versions;
