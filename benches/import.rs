//! Import hot paths on the full real files in `../shared/data`: parsing a whole SDN snapshot
//! (and a UN list), and reconciling one SDN snapshot against a ledger holding the previous one.
//!
//! ```text
//! cargo bench --bench import
//! ```
//!
//! Target: each well under 100 ms. When the data files are missing the bench says so and
//! measures nothing.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use sanctions_ledger::chrono::{NaiveDate, NaiveTime};
use sanctions_ledger::import::{apply_snapshot, ofac, reconcile, un, ReconcileOptions, Snapshot};
use sanctions_ledger::Ledger;

// This package is the repository's benches/ folder; the data sits beside the repository.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");

fn read(relative: &str) -> Option<(NaiveDate, Vec<u8>)> {
    let path = Path::new(DATA).join(relative);
    let date = ofac::date_from_file_name(&path)?;
    match std::fs::read(&path) {
        Ok(bytes) => Some((date, bytes)),
        Err(e) => {
            eprintln!("skipping: cannot read {}: {e}", path.display());
            None
        }
    }
}

fn options(date: NaiveDate) -> ReconcileOptions {
    ReconcileOptions::new(date.and_time(NaiveTime::MIN).and_utc())
}

fn parse(name: &str, date: NaiveDate, bytes: &[u8]) -> Option<Snapshot> {
    ofac::SdnFiles::new(name, bytes)
        .parse(date)
        .map_err(|e| eprintln!("skipping: {e}"))
        .ok()
}

/// Each result is freed outside the timed part (`iter_with_large_drop`): freeing 15k parsed
/// entries is about a fifth of the cost, and it is not parsing. Use `iter` to include it.
fn benches(c: &mut Criterion) {
    let (Some((old_date, old)), Some((new_date, new))) = (
        read("ofac-sdn-csv/sdn_2023-09-06.csv"),
        read("ofac-sdn-csv/sdn_2024-05-03.csv"),
    ) else {
        return;
    };
    c.bench_function("parse sdn_2024-05-03.csv (14,965 entries)", |b| {
        b.iter_with_large_drop(|| parse("sdn.csv", new_date, black_box(&new)));
    });

    let (Some(before), Some(after)) = (
        parse("sdn_2023-09-06.csv", old_date, &old),
        parse("sdn_2024-05-03.csv", new_date, &new),
    ) else {
        return;
    };
    let mut ledger = Ledger::new();
    if let Err(e) = apply_snapshot(&mut ledger, &before, &options(old_date)) {
        eprintln!("skipping: {e}");
        return;
    }
    c.bench_function("reconcile sdn_2024-05-03 against sdn_2023-09-06", |b| {
        b.iter_with_large_drop(|| {
            reconcile(ledger.current(), black_box(&after), &options(new_date))
        });
    });

    if let Some((_, xml)) = read("un-consolidated/un_consolidated_2026-02-27.xml") {
        c.bench_function("parse un_consolidated_2026-02-27.xml", |b| {
            b.iter_with_large_drop(|| un::parse("un.xml", black_box(&xml)));
        });
    }
}

criterion_group! {
    name = import;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(import);
