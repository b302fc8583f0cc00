//! Fuzz target `ofac_csv`: see `harness::ofac_csv`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ofac_csv(data));
