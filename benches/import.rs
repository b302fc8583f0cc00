//! Import hot paths on the full real files in `../shared/data`: parsing a whole SDN snapshot
//! (and a UN list), and reconciling one SDN snapshot against a ledger holding the previous one;
//! parsing the largest OFAC ENHANCED XML at hand (the Consolidated list of 2026-01-08, 3.4 MB),
//! making it a snapshot and reconciling it against the previous one, with the throughput in
//! MB/s. No full EU or UK file is at hand: their lines parse the repository's small fixtures
//! (tens of KB), so their MB/s say little about a full 25 MB FSF file.
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

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sanctions_ledger::chrono::{NaiveDate, NaiveTime};
use sanctions_ledger::import::{
    apply_snapshot, eu, ofac, ofac_enhanced, reconcile, uk, un, ReconcileOptions, Snapshot,
};
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
    enhanced(c);
    fixtures(c);
}

/// The largest OFAC ENHANCED XML at hand: parse (MB/s), parse into a snapshot, and reconcile
/// it against a ledger holding the previous one.
fn enhanced(c: &mut Criterion) {
    let (Some((_, old)), Some((_, new))) = (
        read("ofac-enhanced/cons_enhanced_2025-01-10.xml"),
        read("ofac-enhanced/cons_enhanced_2026-01-08.xml"),
    ) else {
        return;
    };
    let mut group = c.benchmark_group("enhanced");
    group.throughput(Throughput::Bytes(new.len() as u64));
    group.bench_function(
        "parse cons_enhanced_2026-01-08.xml (3.4 MB, 442 entities)",
        |b| {
            b.iter_with_large_drop(|| ofac_enhanced::parse("cons.xml", black_box(&new)));
        },
    );
    group.bench_function("parse and snapshot cons_enhanced_2026-01-08.xml", |b| {
        b.iter_with_large_drop(|| {
            ofac_enhanced::parse("cons.xml", black_box(&new)).and_then(|f| f.snapshot())
        });
    });
    group.finish();
    let snapshot = |bytes: &[u8]| {
        ofac_enhanced::parse("cons.xml", bytes)
            .and_then(|f| f.snapshot())
            .map_err(|e| eprintln!("skipping: {e}"))
            .ok()
    };
    let (Some(before), Some(after)) = (snapshot(&old), snapshot(&new)) else {
        return;
    };
    let mut ledger = Ledger::new();
    if let Err(e) = apply_snapshot(&mut ledger, &before, &options(before.date())) {
        eprintln!("skipping: {e}");
        return;
    }
    c.bench_function(
        "reconcile cons_enhanced_2026-01-08 against 2025-01-10",
        |b| {
            b.iter_with_large_drop(|| {
                reconcile(ledger.current(), black_box(&after), &options(after.date()))
            });
        },
    );
}

/// The EU and UK parsers on the repository's fixtures: no full file is at hand, so these
/// measure small files (tens of KB) and their MB/s is only indicative.
fn fixtures(c: &mut Criterion) {
    let fixture = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures")
            .join(name);
        std::fs::read(&path)
            .map_err(|e| eprintln!("skipping: cannot read {}: {e}", path.display()))
            .ok()
    };
    let mut group = c.benchmark_group("fixtures");
    if let Some(xml) = fixture("eu/fsf_2026-08-12.xml") {
        group.throughput(Throughput::Bytes(xml.len() as u64));
        group.bench_function(
            "parse and snapshot eu/fsf_2026-08-12.xml (fixture, 25 KB)",
            |b| {
                b.iter_with_large_drop(|| {
                    eu::parse("fsf.xml", black_box(&xml)).map(|f| f.snapshot())
                });
            },
        );
    }
    for name in [
        "uk/uk_sanctions_list_2026-09-17.xml",
        "uk/uk_sanctions_list_2026-09-17.csv",
    ] {
        if let Some(bytes) = fixture(name) {
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(format!("parse and snapshot {name} (fixture)"), |b| {
                b.iter_with_large_drop(|| uk::parse(name, black_box(&bytes)).map(|f| f.snapshot()));
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = import;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(import);
