//! `timeline REF`: an entity's periods of being listed and licensed, per authority, and when it
//! is linked to other list entries on some date, the periods of the subject they make together
//! (`View::clusters().timeline`).

use std::collections::HashSet;
use std::io::Write;

use serde_json::json;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::{AuthorityTimeline, ChangeId, ClusterTimeline, EntityId, View};

use crate::failure::Outcome;
use crate::output::{self, all_list_ids, name};
use crate::reference::{self, KnownAt, Reference};
use crate::{ledger, Globals};

/// `timeline REF [--known-at T]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// `AUTHORITY:LIST-ID` (US-OFAC:44541, UN:IRe.006), `IMO:1234567`, or an entity id.
    #[arg(value_name = "REF")]
    reference: Reference,
    /// Ask the ledger as it was known then: an RFC 3339 instant, or a date (its end, UTC).
    #[arg(long, value_name = "INSTANT|DATE")]
    known_at: Option<KnownAt>,
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let file = ledger::open_read_only(&globals.ledger)?;
    let view = reference::view(file.ledger(), args.known_at);
    let entities = args
        .reference
        .resolve(view, &globals.ledger.display().to_string())?;
    let timelines = entities
        .iter()
        .map(|&e| view.timeline(e))
        .collect::<Result<Vec<_>, _>>()?;
    // The subject of an entity linked to nothing is the entity itself: no second timeline.
    let subjects = entities
        .iter()
        .map(|&e| {
            let subject = view.clusters().timeline(e)?;
            Ok(Some(subject).filter(|s| s.members.len() > 1))
        })
        .collect::<Result<Vec<Option<ClusterTimeline>>, sanctions_ledger::Error>>()?;

    let mut out = output::stdout();
    if globals.json {
        let value = json!({
            "ref": args.reference.to_string(),
            "entities": timelines.iter().zip(&subjects).map(|(t, subject)| json!({
                "entity": t.entity,
                "name": name(view, t.entity),
                "timeline": t,
                "subject": subject.as_ref().map(|s| json!({
                    "members": s.members.iter().map(|&member| json!({
                        "entity": member,
                        "name": name(view, member),
                        "list_ids": all_list_ids(view, member),
                    })).collect::<Vec<_>>(),
                    "authorities": s.authorities,
                    "links": s.links,
                })),
            })).collect::<Vec<_>>(),
        });
        return output::print_json(&mut out, view, value);
    }
    // The lists of the linked entries named below, from one pass over the designations.
    let members: HashSet<EntityId> = subjects
        .iter()
        .flatten()
        .flat_map(|s| s.members.iter().copied())
        .collect();
    let lists = if members.is_empty() {
        output::Lists::new()
    } else {
        output::lists_of(view, |entity| members.contains(&entity))
    };
    for (timeline, subject) in timelines.iter().zip(&subjects) {
        writeln!(
            out,
            "{} {} (entity {})",
            name(view, timeline.entity),
            all_list_ids(view, timeline.entity),
            timeline.entity
        )?;
        output::print_table(&mut out, &periods(view, &timeline.authorities))?;
        if let Some(subject) = subject {
            // Each link as the two entries it joins and its dates, earliest first: a member
            // may be joined to this entity only through another.
            let mut links: Vec<(NaiveDate, String)> = subject
                .links
                .iter()
                .map(|link| {
                    let [a, b] = link.entities;
                    let dates = match link.dates.until {
                        Some(until) => format!("from {} until {until}", link.dates.from),
                        None => format!("from {}", link.dates.from),
                    };
                    let entry = |e| output::entry(view, e, &lists);
                    (
                        link.dates.from,
                        format!("#   {} = {} {dates}", entry(a), entry(b)),
                    )
                })
                .collect();
            links.sort();
            writeln!(
                out,
                "# one subject with the entries these links join; the subject's periods follow"
            )?;
            for (_, line) in &links {
                writeln!(out, "{line}")?;
            }
            output::print_table(&mut out, &periods(view, &subject.authorities))?;
        }
    }
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}

/// A table of the periods per authority, with the changes that open and close each.
fn periods(view: View<'_>, authorities: &[AuthorityTimeline]) -> comfy_table::Table {
    let mut table = output::table(&[
        "authority",
        "status",
        "from",
        "until",
        "opened by",
        "closed by",
    ]);
    for authority in authorities {
        for period in &authority.periods {
            table.add_row(vec![
                authority.authority.to_string(),
                period.status.to_string(),
                period.dates.from.to_string(),
                period
                    .dates
                    .until
                    .map_or_else(|| "-".to_owned(), |d| d.to_string()),
                sources(view, &period.opened_by),
                sources(view, &period.closed_by),
            ]);
        }
    }
    table
}

/// The changes' kinds and citations, e.g. `designate: US-OFAC SDN list as of 2023-08-09`.
fn sources(view: View<'_>, changes: &[ChangeId]) -> String {
    let texts: Vec<String> = changes
        .iter()
        .filter_map(|&id| view.change(id))
        .map(|c| format!("{}: {}", c.kind.name(), c.source.citation))
        .collect();
    texts.join("; ")
}
