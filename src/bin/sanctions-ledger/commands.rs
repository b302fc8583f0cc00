//! One module per command: its arguments and its `run` function.

pub(crate) mod changes;
pub(crate) mod diff;
pub(crate) mod export;
pub(crate) mod find;
pub(crate) mod import;
pub(crate) mod link;
pub(crate) mod state;
pub(crate) mod status;
pub(crate) mod timeline;
pub(crate) mod upgrade;
pub(crate) mod verify;
