//! Replays OFAC SDN snapshots (`sdn_YYYY-MM-DD.csv`, the date taken from the file name) into a
//! ledger, in date order, and prints what each one changed.
//!
//! ```text
//! cargo run --release --example ofac_history -- ../shared/data/ofac-sdn-csv/sdn_*.csv
//! cargo run --release --example ofac_history -- ../shared/data/ofac-sdn-csv/sdn_*.csv --entity 44541
//! ```
//!
//! One line per snapshot, `<date> +<designations> -<delistings> ~<amendments>` (or
//! `<date> refused: <why>`, after which the replay goes on), then a summary line; with
//! `--entity <ent_num>`, that entry's timeline. What the parser read past (bare quotes, ...)
//! goes to standard error, one `<date> warning: <file> line <n>: <what>` line each.

use std::error::Error;
use std::path::PathBuf;

use sanctions_ledger::chrono::{NaiveDate, NaiveTime};
use sanctions_ledger::import::{apply_snapshot, ofac, ReconcileOptions};
use sanctions_ledger::{Authority, ChangeKind, EntityId, Identifier, Ledger, View};

fn main() -> Result<(), Box<dyn Error>> {
    let mut files = Vec::new();
    let mut entity = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--entity" {
            entity = Some(args.next().ok_or("--entity needs an ent_num")?);
        } else {
            let path = PathBuf::from(&arg);
            let date = ofac::date_from_file_name(&path)
                .ok_or_else(|| format!("{arg}: the file name has no _YYYY-MM-DD date"))?;
            files.push((date, path));
        }
    }
    if files.is_empty() {
        return Err("usage: ofac_history sdn_YYYY-MM-DD.csv... [--entity <ent_num>]".into());
    }
    files.sort();

    let mut ledger = Ledger::new();
    let mut previous: Option<NaiveDate> = None;
    let (mut replayed, mut refused) = (0, 0);
    let (mut designations, mut delistings, mut amendments) = (0, 0, 0);
    for (date, path) in &files {
        // The ledger learns of each snapshot at noon UTC on its date.
        let recorded = date.and_time(NaiveTime::MIN).and_utc() + chrono_hours(12);
        let mut options = ReconcileOptions::new(recorded);
        if let Some(previous) = previous {
            options = options.previous(previous);
        }
        let result = ofac::read_sdn(path, *date)
            .and_then(|snapshot| apply_snapshot(&mut ledger, &snapshot, &options));
        match result {
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
                designations += found.designations();
                delistings += found.delistings();
                amendments += found.amendments();
                replayed += 1;
                previous = Some(*date);
            }
            Err(why) => {
                println!("{date} refused: {}", chain(&why));
                refused += 1;
            }
        }
    }
    let last = previous.unwrap_or(files[0].0);
    let in_force = ledger.current().state_on(last).designations.len();
    println!(
        "{replayed} snapshots replayed, {refused} refused: +{designations} -{delistings} \
         ~{amendments}; {in_force} designations in force on {last}; {} changes in the ledger",
        ledger.len()
    );

    if let Some(ent) = entity {
        let now = ledger.current();
        let found = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, &*ent));
        let [id] = found[..] else {
            return Err(format!("ent_num {ent}: {} entities found", found.len()).into());
        };
        print_timeline(now, id, &ent)?;
    }
    Ok(())
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

fn chrono_hours(hours: i64) -> sanctions_ledger::chrono::TimeDelta {
    sanctions_ledger::chrono::TimeDelta::hours(hours)
}

/// Prints the entity's name, its periods per authority, and every change that names it.
fn print_timeline(view: View<'_>, id: EntityId, ent: &str) -> Result<(), Box<dyn Error>> {
    let name = view.entity(id).map_or("?", |e| e.name.as_str());
    println!("timeline of ent_num {ent}: {name}");
    for authority in view.timeline(id)?.authorities {
        for period in authority.periods {
            let until = period
                .dates
                .until
                .map_or("now".to_owned(), |d| d.to_string());
            println!(
                "  {} {} [{}, {until})",
                authority.authority, period.status, period.dates.from
            );
        }
    }
    let designations: Vec<_> = view
        .changes()
        .filter_map(|c| match &c.kind {
            ChangeKind::Designate {
                designation,
                record,
            } if record.entity == id => Some(*designation),
            _ => None,
        })
        .collect();
    for change in view.changes() {
        let about = match change.kind.designation() {
            Some(designation) => designations.contains(&designation),
            None => change.entities().contains(&id),
        };
        if !about {
            continue;
        }
        let window = change.window.map_or(String::new(), |w| {
            let after = w.after.map_or("-∞".to_owned(), |d| d.to_string());
            format!(" observed in ({after}, {}]", w.on_or_before)
        });
        println!("  {} {}{window}", change.effective, change.kind.name());
    }
    Ok(())
}
