//! The JSON-lines protocol (README.md): the JSON shapes of the answers.

pub mod reply;

pub use reply::b64;
