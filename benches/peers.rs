//! Comparison with `SQLite` and naive replay: for now only builds the shared workload and the ledger.
#[path = "workload/mod.rs"]
mod workload;
fn main() {
    let t = std::time::Instant::now();
    let w = workload::generate(10_000, workload::DEFAULT_SEED);
    println!("{} in {:?}", w.summary(), t.elapsed());
    let t = std::time::Instant::now();
    let l = sanctions_ledger::Ledger::from_changes(w.changes.clone()).unwrap();
    println!("ledger {} in {:?}", l.len(), t.elapsed());
}
