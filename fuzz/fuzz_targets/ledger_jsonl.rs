//! Fuzz target `ledger_jsonl`: see `harness::ledger_jsonl`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ledger_jsonl(data));
