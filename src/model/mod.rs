//! Domain values: exact money, lenient dates, and the wire shapes of the Azure responses.
//! Nothing here does I/O.

pub mod dates;
pub mod domain;
pub mod money;
pub mod wire;
