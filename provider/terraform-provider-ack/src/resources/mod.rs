pub mod backup_policy;
pub mod cluster;
pub mod dependent;
pub mod encryption;
pub mod feature;
pub mod node_pool;
pub mod quota;
pub mod scheduler_profile;
