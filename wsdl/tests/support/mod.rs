//! The shared loopback test server; see the `sfmc-loopback` crate.

pub use sfmc_loopback::*;
