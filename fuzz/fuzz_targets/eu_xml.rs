//! Fuzz target `eu_xml`: see `harness::eu_xml`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::eu_xml(data));
