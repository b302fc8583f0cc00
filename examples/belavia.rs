//! Belavia's sanctions history, loaded from the seed ledger `seeds/belavia.json`, with an
//! invented company owned 60% by Belavia (`seeds/invented-subsidiary.json`, made up to show
//! OFAC's 50% rule and Belarus General License 11's cover of entities Belavia owns).
//!
//! ```text
//! cargo run --example belavia                                # timelines, then statuses on key dates
//! cargo run --example belavia -- 2024-06-01 2025-10-01       # one line per date and authority
//! cargo run --example belavia -- --subsidiary 2025-10-01     # the same for the invented company
//! ```
//!
//! Each status line is `<date> <authority> <status>`, so that scripts can read it. The status
//! is the derived status ([`View::derived_status`]): `not-listed`, `listed` and
//! `listed-licensed` mean what they mean for the listing alone, `class-measure` that a measure
//! on a class of entities catches it (the EU's 2021 ban on Belarusian air carriers),
//! `blocked-by-ownership` that blocked owners hold enough of it, and `-licensed` after either
//! that a licence relieves it.

use std::process::ExitCode;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::{
    Authority, Change, DerivedStatus, EntityId, Identifier, Ledger, Reason, View,
};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/belavia.json");
const INVENTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/seeds/invented-subsidiary.json"
);

/// The dates of the public record, each with the day before it.
const KEY_DATES: [&str; 13] = [
    "2021-06-04",
    "2021-06-05",
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

/// The days the invented company's status moves, and the day before the first.
const SUBSIDIARY_DATES: [&str; 5] = [
    "2021-12-01",
    "2021-12-02",
    "2023-08-09",
    "2025-09-11",
    "2025-11-04",
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
    let mut subsidiary_only = false;
    let mut dates = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--subsidiary" {
            subsidiary_only = true;
            continue;
        }
        let date = NaiveDate::parse_from_str(&arg, "%Y-%m-%d")
            .map_err(|e| format!("{arg:?} is not a date as YYYY-MM-DD: {e}"))?;
        dates.push(date);
    }

    let ledger = load()?;
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
    let subsidiary = EntityId::derive("invented:belavia-subsidiary");
    let authorities = [Authority::US_OFAC, Authority::EU];

    if !dates.is_empty() {
        let entity = if subsidiary_only { subsidiary } else { belavia };
        for date in dates {
            print_statuses(&now, entity, &authorities, date, false)?;
        }
        return Ok(());
    }

    print_timeline(&now, belavia)?;
    for date in parse_all(&KEY_DATES) {
        print_statuses(&now, belavia, &authorities, date, false)?;
    }
    println!();
    print_timeline(&now, subsidiary)?;
    for date in parse_all(&SUBSIDIARY_DATES) {
        print_statuses(&now, subsidiary, &authorities, date, true)?;
    }
    Ok(())
}

/// The seed, with the invented company applied on top.
fn load() -> Result<Ledger, String> {
    let read =
        |path: &str| std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"));
    let refused = |path: &str, e: sanctions_ledger::Error| match std::error::Error::source(&e) {
        Some(why) => format!("{path} is not valid: {e}: {why}"),
        None => format!("{path} is not valid: {e}"),
    };
    let mut ledger = Ledger::from_json_str(&read(SEED)?).map_err(|e| refused(SEED, e))?;
    let invented: Vec<Change> = serde_json::from_str(&read(INVENTED)?)
        .map_err(|e| format!("{INVENTED} is not a list of changes: {e}"))?;
    ledger
        .apply_batch(invented)
        .map_err(|e| refused(INVENTED, e))?;
    Ok(ledger)
}

fn parse_all(dates: &[&str]) -> Vec<NaiveDate> {
    dates
        .iter()
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect()
}

fn name(view: &View<'_>, entity: EntityId) -> String {
    view.entity(entity)
        .map_or_else(|| entity.to_string(), |e| e.name.clone())
}

/// The entity's name, then its derived periods per authority with what opened each.
fn print_timeline(view: &View<'_>, entity: EntityId) -> Result<(), String> {
    println!("{}", name(view, entity));
    let timeline = view.derived_timeline(entity).map_err(|e| e.to_string())?;
    for line in timeline.authorities {
        for period in line.periods {
            let sources: Vec<String> = period
                .opened_by
                .iter()
                .filter_map(|id| view.change(*id))
                .map(|c| c.source.citation.chars().take(60).collect())
                .collect();
            println!(
                "  {:<8} {:<29} {} opened by: {}",
                line.authority.as_str(),
                period.kind.as_str(),
                period.dates,
                sources.join(" | ")
            );
        }
    }
    println!();
    Ok(())
}

/// `<date> <authority> <status>` per authority, with the reasons on the next lines if asked.
fn print_statuses(
    view: &View<'_>,
    entity: EntityId,
    authorities: &[Authority],
    date: NaiveDate,
    explain: bool,
) -> Result<(), String> {
    for authority in authorities {
        let status = view
            .derived_status(entity, authority, date)
            .map_err(|e| e.to_string())?;
        println!("{date} {authority} {}", status.kind);
        if explain {
            for line in reasons(view, &status) {
                println!("    {line}");
            }
        }
    }
    Ok(())
}

/// Why, in words: each chain of owners up to a designation, each class measure, each licence.
fn reasons(view: &View<'_>, status: &DerivedStatus) -> Vec<String> {
    let mut lines = Vec::new();
    for chain in status.chains() {
        let steps: Vec<String> = chain
            .links
            .iter()
            .map(|link| match link.share {
                Some(share) => format!("owned {share} by {}", name(view, link.owner)),
                None => format!("controlled by {}", name(view, link.owner)),
            })
            .collect();
        let listing = view
            .designation(chain.designation)
            .and_then(|d| view.change(d.created_by))
            .map_or_else(String::new, |c| {
                c.source.citation.chars().take(40).collect()
            });
        lines.push(format!("{}, listed ({listing}…)", steps.join(", ")));
    }
    for reason in &status.reasons {
        if let Reason::ClassMeasure { measure } = reason {
            if let Some(m) = view.class_measure(*measure) {
                lines.push(format!("in the class of: {}", m.record.terms.name));
            }
        }
    }
    for relief in &status.licences {
        let licence = view.licence(relief.licence).map_or_else(
            || relief.licence.to_string(),
            |l| l.record.terms.name.clone(),
        );
        if relief.through.is_empty() {
            lines.push(format!("licensed by {licence}"));
        } else {
            let owners: Vec<String> = relief.through.iter().map(|e| name(view, *e)).collect();
            lines.push(format!(
                "licensed by {licence}, which covers what {} owns",
                owners.join(" and ")
            ));
        }
    }
    lines
}
