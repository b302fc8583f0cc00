//! Imports real list files into one ledger, then proposes links between their entries
//! (`import::propose_links`) and prints what it found: the links by kind of shared identifier,
//! the conflicts, and name-based suggestions.
//!
//! ```text
//! cargo run --release --example link_proposals -- \
//!     --sdn ../shared/data/ofac-sdn-csv/sdn_2024-05-03.csv \
//!     --cons ../shared/data/ofac-consolidated/cons_prim_2025-12-19.csv \
//!     --un ../shared/data/un-consolidated/un_consolidated_2026-02-27.xml
//! ```
//!
//! Each file's date comes from its name (`…_YYYY-MM-DD.csv`); the UN file gives its own.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;

use sanctions_ledger::chrono::{TimeZone, Utc};
use sanctions_ledger::import::{
    apply_snapshot, ofac, propose_links, suggest_links, un, ReconcileOptions, Separation, Snapshot,
};
use sanctions_ledger::{ChangeKind, Identifier, Ledger, LinkReason};

fn main() -> Result<(), Box<dyn Error>> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let path = args.next().ok_or(format!("{flag} needs a path"))?;
        files.push((flag, PathBuf::from(path)));
    }
    if files.is_empty() {
        return Err("give files with --sdn PATH, --cons PATH, --un PATH".into());
    }
    let mut snapshots: Vec<Snapshot> = Vec::new();
    for (flag, path) in &files {
        let dated = || {
            ofac::date_from_file_name(path).ok_or_else(|| format!("no date in {}", path.display()))
        };
        snapshots.push(match flag.as_str() {
            "--sdn" => ofac::read_sdn(path, dated()?)?,
            "--cons" => ofac::read_consolidated(path, dated()?)?,
            "--un" => un::read(path)?,
            other => return Err(format!("unknown flag {other}").into()),
        });
    }
    // Snapshots are recorded in date order, each the day after its date.
    snapshots.sort_by_key(Snapshot::date);
    let mut ledger = Ledger::new();
    for snapshot in &snapshots {
        let day = snapshot.date().succ_opt().ok_or("date")?;
        let recorded = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).ok_or("time")?);
        let (found, _) = apply_snapshot(&mut ledger, snapshot, &ReconcileOptions::new(recorded))?;
        println!(
            "{} {} list of {}: {} entries",
            snapshot.authority(),
            snapshot.list(),
            snapshot.date(),
            found.entries
        );
    }
    let latest = ledger.latest_recorded().ok_or("an empty ledger")?;
    let proposals = propose_links(ledger.current(), latest);
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for change in &proposals.changes {
        if let ChangeKind::Link { record, .. } = &change.kind {
            if let LinkReason::SharedIdentifier(identifier) = &record.reason {
                *by_kind.entry(kind(identifier)).or_default() += 1;
            }
        }
    }
    println!("{} links proposed:", proposals.changes.len());
    for (kind, count) in &by_kind {
        println!("  {count:>5} by {kind}");
    }
    let mut conflicts: BTreeMap<&str, usize> = BTreeMap::new();
    for conflict in &proposals.conflicts {
        let why = match conflict.separation {
            Separation::DifferentEntries { .. } => "different entries of one authority",
            Separation::DifferentKinds { .. } => "different kinds of subject",
            Separation::Unlinked { .. } => "unlinked by a person",
            _ => "other",
        };
        *conflicts.entry(why).or_default() += 1;
    }
    println!("{} conflicts (not linked):", proposals.conflicts.len());
    for (why, count) in &conflicts {
        println!("  {count:>5} {why}");
    }
    for conflict in proposals.conflicts.iter().take(5) {
        let names: Vec<String> = conflict
            .entities
            .iter()
            .filter_map(|e| ledger.current().entity(*e).map(|r| r.name.clone()))
            .collect();
        println!(
            "    {}: {}",
            conflict.identifier.lookup_key(),
            names.join(" | ")
        );
    }
    ledger.apply_batch(proposals.changes)?;
    let suggested = suggest_links(ledger.current());
    println!(
        "{} name-based suggestions for a person to check",
        suggested.len()
    );
    for s in suggested.iter().take(5) {
        println!("    {:?} ~ {:?}", s.name, s.matched);
    }
    Ok(())
}

/// The kind of a shared identifier, for counting.
fn kind(identifier: &Identifier) -> String {
    match identifier {
        Identifier::ListEntry { authority, .. } => format!("{authority} list entry id"),
        Identifier::Imo(_) => "IMO ship number".into(),
        Identifier::ImoCompany(_) => "IMO company number".into(),
        Identifier::AircraftSerial(_) => "aircraft serial number".into(),
        _ => "other".into(),
    }
}
