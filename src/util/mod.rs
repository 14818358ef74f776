//! Small pieces every stage may use: colour maths, hashing, escaping,
//! URLs, media types, file names' capitals. Nothing here knows about toolkits or districts, so
//! any module can depend on it without pointing backwards.

pub mod color;
pub mod escape;
pub mod filecase;
pub mod hash;
pub mod mime;
pub mod paths;
pub mod time;
pub mod url;
pub mod zip;
pub mod zipfile;
