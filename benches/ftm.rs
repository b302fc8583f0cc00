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
    // Wall-clock medians move with whatever else the machine runs; the process's CPU time per
    // export (Linux only) does much less.
    if let Some(before) = cpu_ms() {
        let runs = 20;
        let started = std::time::Instant::now();
        for _ in 0..runs {
            lines.clear();
            let _ = export.write(state.current(), &mut lines);
        }
        let wall = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
        if let Some(after) = cpu_ms() {
            let cpu = (after - before) / f64::from(runs);
            println!("state export of {date}: {cpu:.0} ms CPU, {wall:.0} ms wall per export ({runs} runs)");
        }
    }
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

/// This process's user and system CPU time so far, in milliseconds, from `/proc/self/stat`
/// (fields 14 and 15, in clock ticks of 10 ms); `None` where there is no such file.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) * 10.0)
}

criterion_group! {
    name = ftm;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(ftm);
