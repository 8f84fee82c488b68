//! Domain values: exact money and amounts, lenient dates, lot status, per-profile rows, and
//! the wire shapes of the Azure responses. Nothing here does I/O.

pub mod amount;
pub(crate) mod cost_details;
pub mod credit_resource;
pub mod dates;
pub mod domain;
pub mod ea;
pub mod invoice;
pub mod money;
pub(crate) mod row;
pub mod scope;
pub(crate) mod spend;
pub mod subscription;
pub mod wire;
