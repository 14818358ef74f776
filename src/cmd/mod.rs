//! One thin file per subcommand: parse nothing, check nothing twice, call
//! the pipeline and report.

pub mod adapt;
pub mod list;
