//! Belavia's sanctions history, loaded from the seed ledger `seeds/belavia.json`.
//!
//! ```text
//! cargo run --example belavia                          # timeline, then statuses on key dates
//! cargo run --example belavia -- 2024-06-01 2025-10-01 # one line per date and authority
//! ```
//!
//! Each status line is `<date> <authority> <status>`, with the status one of `not-listed`,
//! `listed`, `listed-licensed`, so that scripts can read it.

use std::process::ExitCode;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::{Authority, EntityId, Identifier, Ledger, StatusKind};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/belavia.json");

/// The dates of the public record, each with the day before it.
const KEY_DATES: [&str; 11] = [
    "2021-12-01",
    "2021-12-02",
    "2023-02-24",
    "2023-08-08",
    "2023-08-09",
    "2025-09-10",
    "2025-09-11",
    "2025-10-01",
    "2025-11-03",
    "2025-11-04",
    "2025-11-05",
];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("belavia: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dates = args
        .iter()
        .map(|a| {
            NaiveDate::parse_from_str(a, "%Y-%m-%d")
                .map_err(|e| format!("{a:?} is not a date as YYYY-MM-DD: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let text = std::fs::read_to_string(SEED).map_err(|e| format!("cannot read {SEED}: {e}"))?;
    let ledger = Ledger::from_json_str(&text).map_err(|e| match std::error::Error::source(&e) {
        Some(why) => format!("{SEED} is not a valid ledger: {e}: {why}"),
        None => format!("{SEED} is not a valid ledger: {e}"),
    })?;
    let now = ledger.current();

    let ofac_uid = Identifier::list_entry(Authority::US_OFAC, "44541");
    let belavia: EntityId = match now.find_by_identifier(&ofac_uid)[..] {
        [id] => id,
        ref found => {
            return Err(format!(
                "expected one entity with OFAC UID 44541, found {}",
                found.len()
            ))
        }
    };
    let authorities = [Authority::US_OFAC, Authority::EU];

    if dates.is_empty() {
        let name = now.entity(belavia).map_or("?", |e| e.name.as_str());
        println!("{name}");
        let timeline = now.timeline(belavia).map_err(|e| e.to_string())?;
        for line in timeline.authorities {
            for period in line.periods {
                let sources: Vec<String> = period
                    .opened_by
                    .iter()
                    .filter_map(|id| now.change(*id))
                    .map(|c| c.source.citation.chars().take(60).collect())
                    .collect();
                println!(
                    "  {:<8} {:<16} {} opened by: {}",
                    line.authority.as_str(),
                    period.status.as_str(),
                    period.dates,
                    sources.join(" | ")
                );
            }
        }
        println!();
    }

    let dates = if dates.is_empty() {
        KEY_DATES
            .iter()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect()
    } else {
        dates
    };
    for date in dates {
        for authority in &authorities {
            let status: StatusKind = now
                .status(belavia, authority, date)
                .map_err(|e| e.to_string())?
                .kind();
            println!("{date} {authority} {status}");
        }
    }
    Ok(())
}
