//! Replays OFAC SDN snapshots into a ledger, exports its history as Follow the Money, imports
//! the export into a new ledger, and checks that both give the same status for every entry on
//! every day from a week before the first snapshot to a week after the last.
//!
//! ```text
//! cargo run --release --example ftm_roundtrip -- ../shared/data/ofac-sdn-csv/sdn_*.csv
//! ```
//!
//! Prints the figures of each step and `N answers compared, N differ`; exits with an error if
//! any answer differs.

use std::collections::HashMap;
use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use sanctions_ledger::chrono::{NaiveDate, NaiveTime, TimeDelta};
use sanctions_ledger::ftm::{self, Export};
use sanctions_ledger::import::ftm::{apply_history, FtmFile, FtmOptions, DEFAULT_LIST};
use sanctions_ledger::import::{apply_snapshot, ofac, ReconcileOptions, Snapshot};
use sanctions_ledger::{Authority, ChangeKind, Identifier, Ledger, View};

fn main() -> Result<(), Box<dyn Error>> {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        let path = PathBuf::from(&arg);
        let date = ofac::date_from_file_name(&path).ok_or(format!("{arg}: no date in the name"))?;
        files.push((date, path));
    }
    files.sort();
    let (Some(&(first, _)), Some(&(last, _))) = (files.first(), files.last()) else {
        return Err("usage: ftm_roundtrip sdn_YYYY-MM-DD.csv...".into());
    };

    let started = Instant::now();
    let mut original = Ledger::new();
    let mut previous = None;
    for (date, path) in &files {
        let mut options = ReconcileOptions::new(date.and_time(NaiveTime::MIN).and_utc());
        if let Some(previous) = previous {
            options = options.previous(previous);
        }
        apply_snapshot(&mut original, &ofac::read_sdn(path, *date)?, &options)?;
        previous = Some(*date);
    }
    println!(
        "replayed {} snapshots: {} changes in {:.0} ms",
        files.len(),
        original.len(),
        ms(started)
    );

    let started = Instant::now();
    let mut lines = Vec::new();
    let written = Export::history().write(original.current(), &mut lines)?;
    println!(
        "exported the history: {written} FtM entities, {} bytes in {:.0} ms",
        lines.len(),
        ms(started)
    );

    let started = Instant::now();
    let file = FtmFile::parse("history.ftm.json", &lines)?;
    let recorded = (last + TimeDelta::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let mut read_back = Ledger::new();
    let import = apply_history(&mut read_back, &file, &FtmOptions::new(), recorded)?;
    println!(
        "imported it: {} snapshots, {} changes, {} skipped in {:.0} ms",
        import.reconciliations.len(),
        read_back.len(),
        import.skipped.len(),
        ms(started)
    );

    let started = Instant::now();
    let (from, to) = (first - TimeDelta::days(7), last + TimeDelta::days(7));
    let (entries, compared, differ) = compare(original.current(), read_back.current(), from, to)?;
    let days = (to - from).num_days() + 1;
    println!(
        "compared {entries} entries on {days} days ({from} to {to}) in {:.0} ms",
        ms(started)
    );
    println!("{compared} answers compared, {differ} differ");
    if differ > 0 {
        return Err(format!("{differ} answers differ").into());
    }
    Ok(())
}

/// Compares the US status of every entity of `before` with its counterpart in `after` on
/// every day of `[from, to]`: the entity of the snapshot of its list whose entry id is its
/// OFAC id. Returns the entries, the answers compared, and those that differ.
fn compare(
    before: View<'_>,
    after: View<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(usize, usize, usize), Box<dyn Error>> {
    let (mut compared, mut differ, mut entries) = (0_usize, 0_usize, 0_usize);
    let mut lists = HashMap::new();
    for change in before.changes() {
        if let ChangeKind::Designate { record, .. } = &change.kind {
            lists
                .entry(record.entity)
                .or_insert_with(|| record.list.clone());
        }
    }
    for change in before.changes() {
        let ChangeKind::RegisterEntity { entity, record } = &change.kind else {
            continue;
        };
        let entry = record
            .identifiers
            .iter()
            .filter(|i| matches!(i, Identifier::ListEntry { authority, .. } if *authority == Authority::US_OFAC))
            .min_by_key(|i| i.lookup_key())
            .and_then(|i| match i {
                Identifier::ListEntry { id, .. } => Some(id.clone()),
                _ => None,
            })
            .unwrap_or_else(|| ftm::entity_id(*entity));
        // The FtM import keeps each list's designations in a snapshot of its own.
        let snapshot_name = match lists.get(entity).cloned().flatten() {
            Some(on) => format!("{DEFAULT_LIST}-{}", on.code()),
            None => DEFAULT_LIST.to_owned(),
        };
        let ftm_list = Snapshot::new(Authority::US_OFAC, snapshot_name, from, "", true);
        let counterpart = ftm_list.entity_id(&entry);
        entries += 1;
        let mut date = from;
        while date <= to {
            let want = before.status(*entity, &Authority::US_OFAC, date)?.kind();
            let got = after.status(counterpart, &Authority::US_OFAC, date)?.kind();
            compared += 1;
            if want != got {
                differ += 1;
                if differ <= 10 {
                    println!("{entry} on {date}: {want} before, {got} after");
                }
            }
            date += TimeDelta::days(1);
        }
    }
    Ok((entries, compared, differ))
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}
