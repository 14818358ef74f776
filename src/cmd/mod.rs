//! One thin file per subcommand: parse nothing, check nothing twice, call
//! the pipeline and report.

pub mod adapt;
pub mod check;
pub mod completions;
pub mod diff;
pub mod init;
pub mod list;
pub mod publish;
pub mod serve;
