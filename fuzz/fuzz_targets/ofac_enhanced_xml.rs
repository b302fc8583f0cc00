//! Fuzz target `ofac_enhanced_xml`: see `harness::ofac_enhanced_xml`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ofac_enhanced_xml(data));
