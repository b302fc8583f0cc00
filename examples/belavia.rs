//! Belavia's sanctions history, told by list entries: the seed ledger `seeds/belavia_linked.json`
//! holds the EU's entry and OFAC's SDN entry 44541 as two entities, joined by an analyst's link,
//! and every answer is the subject's (the cluster of the two entries). The invented company owned
//! 60% by Belavia (`seeds/invented-subsidiary.json`, made up to show OFAC's 50% rule and Belarus
//! General License 11's cover of entities Belavia owns) is applied on top of `seeds/belavia.json`,
//! where Belavia is one entity: derived status follows ownership, not links.
//!
//! ```text
//! cargo run --example belavia                                # timelines, then statuses on key dates
//! cargo run --example belavia -- 2024-06-01 2025-10-01       # one line per date and authority
//! cargo run --example belavia -- --subsidiary 2025-10-01     # the same for the invented company
//! ```
//!
//! Each status line is `<date> <authority> <status>`, so that scripts can read it. `not-listed`,
//! `listed` and `listed-licensed` mean what they mean for the listing alone (for Belavia, the
//! subject's listing through any of its entries: [`Clusters::status`]); when nothing lists it,
//! the status is the derived one ([`View::derived_status`]): `class-measure` that a measure on a
//! class of entities catches it (the EU's 2021 ban on Belarusian air carriers),
//! `blocked-by-ownership` that blocked owners hold enough of it, and `-licensed` after either
//! that a licence relieves it.
//!
//! [`Clusters::status`]: sanctions_ledger::Clusters::status

use std::process::ExitCode;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::{
    Authority, Change, ClusterTimeline, DerivedKind, DerivedStatus, EntityId, Identifier, Ledger,
    LinkReason, Reason, StatusKind, View,
};

const LINKED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/belavia_linked.json");
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

const AUTHORITIES: [Authority; 2] = [Authority::US_OFAC, Authority::EU];

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

    let subsidiary = EntityId::derive("invented:belavia-subsidiary");
    let owned = load_with_invented()?;
    let owned = owned.current();
    if subsidiary_only {
        for date in dates {
            print_derived(&owned, subsidiary, date, false)?;
        }
        return Ok(());
    }

    let linked = load(LINKED)?;
    let now = linked.current();
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

    if !dates.is_empty() {
        for date in dates {
            print_subject(&now, belavia, date)?;
        }
        return Ok(());
    }

    print_subject_timeline(&now, belavia)?;
    for date in parse_all(&KEY_DATES) {
        print_subject(&now, belavia, date)?;
    }
    println!();
    print_derived_timeline(&owned, subsidiary)?;
    for date in parse_all(&SUBSIDIARY_DATES) {
        print_derived(&owned, subsidiary, date, true)?;
    }
    Ok(())
}

/// A seed ledger file.
fn load(path: &str) -> Result<Ledger, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ledger::from_json_str(&text).map_err(|e| refused(path, &e))
}

fn refused(path: &str, e: &sanctions_ledger::Error) -> String {
    match std::error::Error::source(e) {
        Some(why) => format!("{path} is not valid: {e}: {why}"),
        None => format!("{path} is not valid: {e}"),
    }
}

/// `seeds/belavia.json`, with the invented company applied on top.
fn load_with_invented() -> Result<Ledger, String> {
    let mut ledger = load(SEED)?;
    let text =
        std::fs::read_to_string(INVENTED).map_err(|e| format!("cannot read {INVENTED}: {e}"))?;
    let invented: Vec<Change> = serde_json::from_str(&text)
        .map_err(|e| format!("{INVENTED} is not a list of changes: {e}"))?;
    ledger
        .apply_batch(invented)
        .map_err(|e| refused(INVENTED, &e))?;
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

/// The first 60 characters of the citations of `changes`.
fn citations(view: &View<'_>, changes: &[sanctions_ledger::ChangeId]) -> String {
    let sources: Vec<String> = changes
        .iter()
        .filter_map(|id| view.change(*id))
        .map(|c| c.source.citation.chars().take(60).collect())
        .collect();
    sources.join(" | ")
}

/// The subject's status with `authority` on `date`: its listing through any of its entries, or,
/// when nothing lists it, what catches one of its entries otherwise (a class measure, blocked
/// owners), the strongest first.
fn subject_status(
    view: &View<'_>,
    entity: EntityId,
    authority: &Authority,
    date: NaiveDate,
) -> Result<String, String> {
    let clusters = view.clusters();
    let listing = clusters
        .status(entity, authority, date)
        .map_err(|e| e.to_string())?
        .kind();
    if listing != StatusKind::NotListed {
        return Ok(listing.to_string());
    }
    let strength = [
        DerivedKind::BlockedByOwnership,
        DerivedKind::ClassMeasure,
        DerivedKind::BlockedByOwnershipLicensed,
        DerivedKind::ClassMeasureLicensed,
    ];
    let members = clusters
        .cluster(entity, date)
        .map_err(|e| e.to_string())?
        .members;
    let mut strongest = None;
    for member in members {
        let kind = view
            .derived_status(member, authority, date)
            .map_err(|e| e.to_string())?
            .kind;
        if let Some(rank) = strength.iter().position(|k| *k == kind) {
            strongest = Some(strongest.map_or(rank, |r: usize| r.min(rank)));
        }
    }
    Ok(strongest.map_or_else(|| listing.to_string(), |r| strength[r].to_string()))
}

/// `<date> <authority> <status>` per authority, for the subject.
fn print_subject(view: &View<'_>, entity: EntityId, date: NaiveDate) -> Result<(), String> {
    for authority in &AUTHORITIES {
        println!(
            "{date} {authority} {}",
            subject_status(view, entity, authority, date)?
        );
    }
    Ok(())
}

/// The subject's list entries and links, then its periods per authority: its listing periods
/// and, from its entries' derived timelines, the periods a class measure or blocked owners
/// catch one of them, each with what opened it.
fn print_subject_timeline(view: &View<'_>, entity: EntityId) -> Result<(), String> {
    let timeline = view
        .clusters()
        .timeline(entity)
        .map_err(|e| e.to_string())?;
    for member in &timeline.members {
        println!(
            "{} ({})",
            name(view, *member),
            member_lists(&timeline, *member).join(", ")
        );
    }
    for link in &timeline.links {
        let why = view
            .link(link.link)
            .map_or(String::new(), |l| match &l.record.reason {
                LinkReason::Analyst(note) => format!("analyst: {note}"),
                LinkReason::SharedIdentifier(i) => format!("shared {}", i.lookup_key()),
                _ => String::new(),
            });
        let why: String = why.chars().take(60).collect();
        println!("  linked {} ({why}…)", link.dates);
    }
    let mut periods = Vec::new();
    for line in &timeline.authorities {
        for period in &line.periods {
            periods.push((
                line.authority.clone(),
                period.dates.from,
                period.status.as_str(),
                period.dates,
                citations(view, &period.opened_by),
            ));
        }
    }
    for member in &timeline.members {
        let derived = view.derived_timeline(*member).map_err(|e| e.to_string())?;
        for line in derived.authorities {
            let periods_of_member = line
                .periods
                .into_iter()
                .filter(|p| !matches!(p.kind, DerivedKind::Listed | DerivedKind::ListedLicensed));
            for period in periods_of_member {
                periods.push((
                    line.authority.clone(),
                    period.dates.from,
                    period.kind.as_str(),
                    period.dates,
                    citations(view, &period.opened_by),
                ));
            }
        }
    }
    periods.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
    for (authority, _, kind, dates, opened_by) in periods {
        println!(
            "  {:<8} {:<29} {dates} opened by: {opened_by}",
            authority.as_str(),
            kind
        );
    }
    println!();
    Ok(())
}

/// The authorities that have listed `member`, from its own timeline in the subject's.
fn member_lists(timeline: &ClusterTimeline, member: EntityId) -> Vec<String> {
    timeline
        .by_member
        .iter()
        .filter(|t| t.entity == member)
        .flat_map(|t| t.authorities.iter().map(|a| a.authority.to_string()))
        .collect()
}

/// The entity's name, then its derived periods per authority with what opened each.
fn print_derived_timeline(view: &View<'_>, entity: EntityId) -> Result<(), String> {
    println!("{}", name(view, entity));
    let timeline = view.derived_timeline(entity).map_err(|e| e.to_string())?;
    for line in timeline.authorities {
        for period in line.periods {
            println!(
                "  {:<8} {:<29} {} opened by: {}",
                line.authority.as_str(),
                period.kind.as_str(),
                period.dates,
                citations(view, &period.opened_by)
            );
        }
    }
    println!();
    Ok(())
}

/// `<date> <authority> <status>` per authority (derived status), with the reasons on the next
/// lines if asked.
fn print_derived(
    view: &View<'_>,
    entity: EntityId,
    date: NaiveDate,
    explain: bool,
) -> Result<(), String> {
    for authority in &AUTHORITIES {
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
            .map(|step| match step.share {
                Some(share) => format!("owned {share} by {}", name(view, step.owner)),
                None => format!("controlled by {}", name(view, step.owner)),
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
