//! Fuzz target `uk_list`: see `harness::uk_list`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::uk_list(data));
