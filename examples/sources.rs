//! Replays OFAC ENHANCED XML snapshots (`SDN_ENHANCED` or `CONS_ENHANCED`, plain or zipped as
//! OFAC serves them; the date is the file's own `dataAsOf`) into a ledger, in date order, and
//! prints what each one changed, per list.
//!
//! ```text
//! cargo run --release --example sources -- ../shared/data/ofac-enhanced/cons_enhanced_*.xml
//! ```
//!
//! One line per snapshot, `<date> +<designations> -<delistings> ~<amendments>` (one per entry
//! and list: an entity on two lists that joins both counts twice; moves are not counted
//! there), or `<date> refused: <why>`, after which the replay goes on. Under it, one line per
//! list move (`moved <id> <name>: <list> -> <list> on <date>`) and per delisting
//! (`removed <id> <name>: <list>`); with `--verbose`, the additions and amendments too. Then a
//! summary line: designations in force per list on the
//! last date. What the parser or reconciliation read past goes to standard error.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::import::{
    apply_snapshot, ofac_enhanced, Outcome, ReconcileOptions, Reconciliation,
};
use sanctions_ledger::{Ledger, List};

fn main() -> Result<(), Box<dyn Error>> {
    let mut verbose = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--verbose" {
            verbose = true;
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    if paths.is_empty() {
        return Err("usage: sources [--verbose] <ENHANCED XML or zip>...".into());
    }
    // Read every file first: the replay goes in the order of the files' own dates.
    let mut files = Vec::new();
    for path in &paths {
        match ofac_enhanced::read(path).and_then(|file| file.snapshot()) {
            Ok(snapshot) => files.push((snapshot.date(), Ok(snapshot))),
            Err(why) => files.push((NaiveDate::MIN, Err((path, why)))),
        }
    }
    files.sort_by_key(|(date, _)| *date);

    let mut ledger = Ledger::new();
    let mut last = None;
    for (date, snapshot) in files {
        let snapshot = match snapshot {
            Ok(snapshot) => snapshot,
            Err((path, why)) => {
                println!("{} refused: {}", path.display(), chain(&why));
                continue;
            }
        };
        // The ledger learns of each snapshot at noon UTC on its date.
        let recorded = date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
        let options = ReconcileOptions::new(recorded);
        match apply_snapshot(&mut ledger, &snapshot, &options) {
            Ok((found, _)) => {
                for warning in &found.warnings {
                    eprintln!("{date} warning: {warning}");
                }
                println!(
                    "{date} +{} -{} ~{}",
                    found.designations(),
                    found.delistings(),
                    found.amendments()
                );
                print_report(&found, verbose);
                last = Some(date);
            }
            Err(why) => println!("{date} refused: {}", chain(&why)),
        }
    }
    if let Some(last) = last {
        let state = ledger.current().state_on(last);
        let mut per_list: BTreeMap<String, usize> = BTreeMap::new();
        for designation in state.designations.values() {
            *per_list.entry(name(designation.list)).or_default() += 1;
        }
        let counts: Vec<String> = per_list
            .iter()
            .map(|(list, n)| format!("{list} {n}"))
            .collect();
        println!(
            "in force on {last}: {}; {} changes in the ledger",
            counts.join(", "),
            ledger.len()
        );
    }
    Ok(())
}

/// One line per move and per delisting of a reconciliation, and with `verbose` per addition
/// and per amendment.
fn print_report(found: &Reconciliation, verbose: bool) {
    for report in &found.report {
        match &report.outcome {
            Outcome::Moved {
                from_list,
                to_list,
                effective,
                ..
            } => println!(
                "  moved {} {}: {} -> {} on {effective}",
                report.id,
                report.name,
                name(from_list.as_ref()),
                name(to_list.as_ref())
            ),
            Outcome::Delisted { list, .. } => println!(
                "  removed {} {}: {}",
                report.id,
                report.name,
                name(list.as_ref())
            ),
            Outcome::Designated {
                list, effective, ..
            } if verbose => println!(
                "  added {} {}: {} on {effective}",
                report.id,
                report.name,
                name(list.as_ref())
            ),
            Outcome::Amended { list, fields, .. } if verbose => {
                let fields: Vec<&str> = fields.iter().map(|f| f.name()).collect();
                println!(
                    "  amended {} {}: {} ({})",
                    report.id,
                    report.name,
                    name(list.as_ref()),
                    fields.join(", ")
                );
            }
            _ => {}
        }
    }
}

/// A list's text form, or `-` for none.
fn name(list: Option<&List>) -> String {
    list.map_or_else(|| "-".to_owned(), ToString::to_string)
}

/// An error and its sources, `: `-separated (errors do not repeat their source's message).
fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
