//! wbl's integration tests: one binary, fixture trees in temp folders, the
//! real `wbl` executable run against them.

mod helper;

mod adapt;
mod bundle;
mod check;
mod content;
mod fuzz;
mod init;
mod lock;
mod overrides;
mod print;
mod publish;
mod serve;
