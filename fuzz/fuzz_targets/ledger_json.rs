//! Fuzz target `ledger_json`: see `harness::ledger_json`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ledger_json(data));
