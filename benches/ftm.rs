//! Follow the Money export on the full real SDN files in `../shared/data`: the state of the
//! 2024-05-03 snapshot (14,965 designations), and the history of the four snapshots.
//!
//! ```text
//! cargo bench --bench ftm
//! ```
//!
//! Target: the state export of 2024-05-03, written as `entities.ftm.json` lines, under 200 ms.
//! When the data files are missing the bench says so and measures nothing.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use sanctions_ledger::chrono::{NaiveDate, NaiveTime};
use sanctions_ledger::ftm::Export;
use sanctions_ledger::import::{apply_snapshot, ofac, ReconcileOptions};
use sanctions_ledger::Ledger;

// This package is the repository's benches/ folder; the data sits beside the repository.
const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/ofac-sdn-csv"
);

const FILES: [&str; 4] = [
    "sdn_2023-08-03.csv",
    "sdn_2023-08-09.csv",
    "sdn_2023-09-06.csv",
    "sdn_2024-05-03.csv",
];

/// A ledger of the given snapshots replayed in date order, or why not.
fn replay(files: &[&str]) -> Result<(Ledger, NaiveDate), String> {
    let mut ledger = Ledger::new();
    let mut previous = None;
    let mut last = None;
    for file in files {
        let path = Path::new(DATA).join(file);
        let date = ofac::date_from_file_name(&path).ok_or("no date in the file name")?;
        let snapshot = ofac::read_sdn(&path, date).map_err(|e| e.to_string())?;
        let mut options = ReconcileOptions::new(date.and_time(NaiveTime::MIN).and_utc());
        if let Some(previous) = previous {
            options = options.previous(previous);
        }
        apply_snapshot(&mut ledger, &snapshot, &options).map_err(|e| e.to_string())?;
        previous = Some(date);
        last = Some(date);
    }
    Ok((ledger, last.ok_or("no files")?))
}

fn benches(c: &mut Criterion) {
    let (state, date) = match replay(&FILES[3..]) {
        Ok(ledger) => ledger,
        Err(e) => return eprintln!("skipping: {e}"),
    };
    let export = Export::state_on(date);
    let mut lines = Vec::with_capacity(64 << 20);
    let written = export
        .write(state.current(), &mut lines)
        .unwrap_or_default();
    println!(
        "state of {date}: {written} FtM entities, {} bytes",
        lines.len()
    );
    c.bench_function(
        "ftm export state of sdn_2024-05-03 (entities.ftm.json lines)",
        |b| {
            b.iter(|| {
                lines.clear();
                export.write(black_box(state.current()), &mut lines)
            });
        },
    );
    c.bench_function(
        "ftm export state of sdn_2024-05-03 (FtmEntity values)",
        |b| {
            b.iter_with_large_drop(|| export.entities(black_box(state.current())));
        },
    );

    let history = match replay(&FILES) {
        Ok((ledger, _)) => ledger,
        Err(e) => return eprintln!("skipping: {e}"),
    };
    c.bench_function(
        "ftm export history of the four sdn snapshots (lines)",
        |b| {
            b.iter(|| {
                lines.clear();
                Export::history().write(black_box(history.current()), &mut lines)
            });
        },
    );
}

criterion_group! {
    name = ftm;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(ftm);
