//! Replays the fuzz corpus on stable: every file of `fuzz/corpus/<target>/` (the minimised
//! corpus, seeded from real list files) and `fuzz/regressions/<target>/` (inputs that once
//! crashed, hung or ran out of memory) goes through the same entry point as the fuzz target
//! (`fuzz/harness.rs`), so CI checks that none of them panics. Running the fuzzers themselves
//! needs nightly and cargo-fuzz: see README.md, "Development".

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../fuzz/harness.rs"]
mod harness;

/// The files of `fuzz/<kind>/<target>/`, sorted; none when the folder does not exist.
fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable folder").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `run` on every corpus and regression file of `target`, naming the file on failure;
/// the corpus must not be empty, so that a lost corpus cannot make this test pass vacuously.
fn replay(target: &str, run: fn(&[u8])) {
    let corpus = files("corpus", target);
    assert!(
        corpus.len() >= 10,
        "fuzz/corpus/{target} has {} files",
        corpus.len()
    );
    for path in corpus.iter().chain(&files("regressions", target)) {
        let data = std::fs::read(path).expect("a readable file");
        let start = Instant::now();
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(result.is_ok(), "{} panicked", path.display());
        // Generous for a debug build on a busy machine; the fuzzers ran with a 10 s timeout.
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{} took {:?}",
            path.display(),
            start.elapsed()
        );
    }
}

#[test]
fn ofac_csv_corpus() {
    replay("ofac_csv", harness::ofac_csv);
}

#[test]
fn un_xml_corpus() {
    replay("un_xml", harness::un_xml);
}

#[test]
fn ofac_enhanced_xml_corpus() {
    replay("ofac_enhanced_xml", harness::ofac_enhanced_xml);
}

#[test]
fn eu_xml_corpus() {
    replay("eu_xml", harness::eu_xml);
}

#[test]
fn uk_list_corpus() {
    replay("uk_list", harness::uk_list);
}

#[test]
fn ledger_json_corpus() {
    replay("ledger_json", harness::ledger_json);
}

#[test]
fn ledger_jsonl_corpus() {
    replay("ledger_jsonl", harness::ledger_jsonl);
}
