//! crosswire: a static analyzer for misuse of `postMessage` and WebSockets in
//! JavaScript and TypeScript.

pub mod alloc;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub mod deadline;
pub mod decode;
pub mod diagnostic;
pub mod discover;
pub mod embedded;
pub mod fix;
pub mod git;
pub mod link;
pub mod lint;
pub mod lsp;
pub mod modules;
pub mod page_map;
pub mod pages;
pub mod parse;
pub mod prefilter;
pub mod project;
pub mod report;
pub mod results;
pub mod rules;
pub mod safe_io;
pub mod schedule;
pub mod semantic;
pub mod source;
pub mod stack;
pub mod suppress;
pub mod trees;
