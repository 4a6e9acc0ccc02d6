pub mod cluster;
pub mod node_pool;
