//! Fuzz target `un_xml`: see `harness::un_xml`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::un_xml(data));
