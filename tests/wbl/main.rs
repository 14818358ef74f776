//! wbl's integration tests: one binary, fixture trees in temp folders, the
//! real `wbl` executable run against them.

mod helper;

mod adapt;
mod architecture;
mod bundle;
mod check;
mod content;
mod fuzz;
mod init;
mod lang;
mod lms;
mod lock;
mod onboard;
mod overrides;
mod pipeline;
mod print;
mod publish;
mod reliability;
mod schema;
mod serve;
mod site;
mod translations;
