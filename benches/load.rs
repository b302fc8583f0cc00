//! Saves and loads a ledger file of 1,000,000 changes and prints the median times and the load
//! throughput in MB/s.
//!
//! ```text
//! cargo bench --bench load              # 1,000,000 changes, 5 runs
//! cargo bench --bench load -- 30000 3   # fewer changes, fewer runs
//! ```
//!
//! The changes are generated deterministically: entity `i` is registered, designated by the EU
//! and delisted 30 days later, the three recorded at the same instant (one batch), one second
//! after entity `i - 1`. Loading re-validates every change, as `LedgerFile::open` always does.

use std::time::{Duration, Instant};

use sanctions_ledger::chrono::{self, NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms, Entity,
    EntityId, EntityKind, Ledger, LedgerFile, Measure, Source,
};

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let changes: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let runs: usize = args.next().map_or(Ok(5), |a| a.parse())?;

    let started = Instant::now();
    let ledger = build(changes)?;
    println!(
        "built a ledger of {} changes in memory in {:.2?}",
        ledger.len(),
        started.elapsed()
    );

    let dir = std::env::temp_dir().join(format!("sanctions-ledger-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("load.jsonl");

    let mut saves = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_file(&path);
        let started = Instant::now();
        let file = LedgerFile::create_with(&path, &ledger)?;
        saves.push(started.elapsed());
        drop(file);
    }
    let bytes = std::fs::metadata(&path)?.len();

    let mut loads = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let file = LedgerFile::open(&path)?;
        loads.push(started.elapsed());
        assert_eq!(file.ledger().len(), ledger.len(), "loaded every change");
    }

    // Where the load time goes: parsing the lines into changes, then validating them.
    let text = std::fs::read_to_string(&path)?;
    let mut parses = Vec::new();
    let mut validations = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let changes_read = text
            .lines()
            .filter(|line| line.starts_with("{\"id\""))
            .map(serde_json::from_str::<Change>)
            .collect::<Result<Vec<_>, _>>()?;
        parses.push(started.elapsed());
        let started = Instant::now();
        let validated = Ledger::from_changes(changes_read)?;
        validations.push(started.elapsed());
        assert_eq!(validated.len(), ledger.len(), "validated every change");
    }
    drop(text);

    #[allow(clippy::cast_precision_loss)] // a file size in MB, printed
    let mb = bytes as f64 / 1e6;
    let save = median(&mut saves);
    let load = median(&mut loads);
    println!("file: {} changes, {mb:.1} MB ({bytes} bytes)", ledger.len());
    println!(
        "save (create_with: write, one fsync, clone the ledger into the handle): median {save:.2?} over {runs} runs, {:.1} MB/s",
        mb / save.as_secs_f64()
    );
    println!(
        "load (open, parse and validate every change): median {load:.2?} over {runs} runs, {:.1} MB/s, {:.0} changes/s",
        mb / load.as_secs_f64(),
        count(ledger.len()) / load.as_secs_f64()
    );
    let parse = median(&mut parses);
    let validate = median(&mut validations);
    println!(
        "  of which: parse lines into changes (serde_json) median {parse:.2?}, {:.1} MB/s; validate (Ledger::from_changes) median {validate:.2?}, {:.0} changes/s",
        mb / parse.as_secs_f64(),
        count(ledger.len()) / validate.as_secs_f64()
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// A ledger of exactly `changes` changes: three per entity, plus one or two registrations.
fn build(changes: usize) -> BenchResult<Ledger> {
    let recorded0 = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or("instant")?;
    let day0 = NaiveDate::from_ymd_opt(2000, 1, 1).ok_or("date")?;
    let mut ledger = Ledger::new();
    let entities = changes.div_ceil(3);
    for i in 0..entities {
        let n = u64::try_from(i)?;
        let recorded = recorded0 + chrono::Duration::seconds(i64::try_from(i)?);
        let effective = day0 + chrono::Days::new(n % 9000);
        let entity = EntityId::derive(&format!("bench entity {i}"));
        let designation = DesignationId::derive(&format!("bench designation {i}"));
        let source = Source::new(format!("bench notice {i}"));
        let change = |what: &str, effective, kind| {
            Change::new(
                ChangeId::derive(&format!("bench {what} {i}")),
                effective,
                recorded,
                source.clone(),
                kind,
            )
        };
        let mut batch = vec![change(
            "register",
            effective,
            ChangeKind::RegisterEntity {
                entity,
                record: Entity::new(
                    EntityKind::Organisation,
                    format!("Bench Trading Company {i}"),
                ),
            },
        )];
        if ledger.len() + 1 < changes {
            batch.push(change(
                "designate",
                effective,
                ChangeKind::Designate {
                    designation,
                    record: Designation::new(
                        entity,
                        Authority::EU,
                        DesignationTerms::new(Measure::AssetFreeze),
                    ),
                },
            ));
        }
        if ledger.len() + 2 < changes {
            batch.push(change(
                "delist",
                effective + chrono::Days::new(30),
                ChangeKind::Delist { designation },
            ));
        }
        ledger.apply_batch(batch)?;
    }
    Ok(ledger)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[allow(clippy::cast_precision_loss)] // a count, printed as a rate
fn count(n: usize) -> f64 {
    n as f64
}
