//! Criterion benches, one group per hot path of the ledger, on the shared synthetic workload.
//!
//! `cargo bench --bench queries` runs every group at 10k designations (about two minutes on a
//! 2-core machine); set `LEDGER_BENCH_DESIGNATIONS=100000` for the larger size. Arguments after
//! `--` are criterion's, e.g. `cargo bench --bench queries -- status` runs one group.
//!
//! The comparison with `SQLite` and a naive replay is `benches/peers.rs`.

// criterion's macros define undocumented public items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sanctions_ledger::Ledger;

#[path = "workload/mod.rs"]
mod workload;

use workload::{Queries, Workload};

/// How many sampled queries each group cycles through.
const QUERIES: usize = 256;

fn designations() -> usize {
    std::env::var("LEDGER_BENCH_DESIGNATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

struct Fixture {
    workload: Workload,
    ledger: Ledger,
    queries: Queries,
}

fn fixture() -> Fixture {
    let workload = workload::generate(designations(), workload::DEFAULT_SEED);
    let ledger = Ledger::from_changes(workload.changes.clone())
        .expect("the generated workload is a consistent history");
    let queries = workload::sample_queries(&workload, workload::DEFAULT_SEED, QUERIES);
    Fixture {
        workload,
        ledger,
        queries,
    }
}

/// A cycling index so that each iteration asks the next sampled question.
fn cycle(len: usize) -> impl FnMut() -> usize {
    let mut i = 0;
    move || {
        i = (i + 1) % len;
        i
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let size = f.workload.designations.len();
    eprintln!("workload: {}", f.workload.summary());
    let label = |name: &str| format!("{name}/{size}");
    let now = f.ledger.current();

    let mut group = c.benchmark_group("apply");
    group.throughput(Throughput::Elements(f.workload.changes.len() as u64));
    group.sample_size(10);
    group.bench_function(label("from_changes"), |b| {
        b.iter_batched(
            || f.workload.changes.clone(),
            |changes| Ledger::from_changes(changes).expect("consistent"),
            BatchSize::PerIteration,
        );
    });
    group.finish();

    let mut group = c.benchmark_group("status");
    let mut next = cycle(f.queries.status.len());
    group.bench_function(label("status"), |b| {
        b.iter(|| {
            let q = &f.queries.status[next()];
            black_box(now.status(q.entity, &q.authority, q.date))
        });
    });
    let mut next = cycle(f.queries.status.len());
    group.bench_function(label("is_listed"), |b| {
        b.iter(|| {
            let q = &f.queries.status[next()];
            black_box(now.is_listed(q.entity, &q.authority, q.date))
        });
    });
    group.finish();

    let mut group = c.benchmark_group("state_on");
    group.sample_size(10);
    let mut next = cycle(f.queries.dates.len());
    group.bench_function(label("state_on"), |b| {
        b.iter(|| black_box(now.state_on(f.queries.dates[next()])));
    });
    group.finish();

    let mut group = c.benchmark_group("timeline");
    let mut next = cycle(f.queries.entities.len());
    group.bench_function(label("timeline"), |b| {
        b.iter(|| black_box(now.timeline(f.queries.entities[next()])));
    });
    group.finish();

    let mut group = c.benchmark_group("changes_between");
    let mut next = cycle(f.queries.months.len());
    group.bench_function(label("a_month"), |b| {
        b.iter(|| {
            let (from, to) = f.queries.months[next()];
            black_box(now.changes_between(from, to).len())
        });
    });
    group.finish();

    let mut group = c.benchmark_group("diff");
    group.sample_size(10);
    let mut next = cycle(f.queries.months.len());
    group.bench_function(label("a_month"), |b| {
        b.iter(|| {
            let (from, to) = f.queries.months[next()];
            black_box(now.diff(from, to))
        });
    });
    group.finish();

    let mut group = c.benchmark_group("known_at_status");
    let mut next = cycle(f.queries.known_at.len());
    group.bench_function(label("known_at_status"), |b| {
        b.iter(|| {
            let (at, q) = &f.queries.known_at[next()];
            black_box(
                f.ledger
                    .known_at(*at)
                    .status(q.entity, &q.authority, q.date),
            )
        });
    });
    group.finish();

    let mut group = c.benchmark_group("load_json");
    group.sample_size(10);
    let json = serde_json::to_string(&f.ledger).expect("a ledger serialises");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function(label("from_str"), |b| {
        b.iter(|| {
            let ledger: Ledger = serde_json::from_str(&json).expect("round trip");
            black_box(ledger.len())
        });
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = hot_paths;
    config = config();
    targets = benches
}
criterion_main!(hot_paths);
