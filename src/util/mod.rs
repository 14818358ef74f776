//! Small pieces every stage may use: colour maths, hashing, escaping,
//! URLs, media types. Nothing here knows about toolkits or districts, so
//! any module can depend on it without pointing backwards.

pub mod color;
pub mod escape;
pub mod hash;
pub mod mime;
pub mod url;
