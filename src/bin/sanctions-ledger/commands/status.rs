//! `status REF --on DATE`: an entity's status per authority, with the reasons, and when the
//! entity is linked to other list entries on the date, the status of the subject they make
//! together (`View::clusters`).

use std::collections::HashSet;
use std::io::Write;

use serde_json::{json, Value};

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::{Authority, ClusterStatus, EntityId, Status, StatusKind, View};

use crate::failure::{Failure, Outcome};
use crate::output::{self, name};
use crate::reference::{self, date, KnownAt, Reference};
use crate::{ledger, Globals};

/// `status REF [--authority A] --on DATE [--known-at INSTANT|DATE]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// `AUTHORITY:LIST-ID` (US-OFAC:44541, UN:IRe.006), `IMO:1234567`, or an entity id.
    #[arg(value_name = "REF")]
    reference: Reference,
    /// Only this authority (e.g. US-OFAC, EU, UN); its line is printed even if it never
    /// designated the entity.
    #[arg(long, value_name = "A", value_parser = authority)]
    authority: Option<Authority>,
    /// The date the status is for.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    on: NaiveDate,
    /// Ask the ledger as it was known then: an RFC 3339 instant, or a date (its end, UTC).
    #[arg(long, value_name = "INSTANT|DATE")]
    known_at: Option<KnownAt>,
}

/// An authority code from the command line.
pub(crate) fn authority(text: &str) -> Result<Authority, String> {
    Authority::new(&text.to_ascii_uppercase()).map_err(|e| e.to_string())
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let file = ledger::open_read_only(&globals.ledger)?;
    let view = reference::view(file.ledger(), args.known_at);
    let entities = args
        .reference
        .resolve(view, &globals.ledger.display().to_string())?;
    let answers: Vec<(EntityId, Vec<(Authority, Status)>)> = entities
        .iter()
        .map(|&entity| Ok((entity, statuses(view, entity, args)?)))
        .collect::<Result<_, Failure>>()?;
    let subjects: Vec<Option<Subject>> = entities
        .iter()
        .map(|&entity| subject(view, entity, args))
        .collect::<Result<_, Failure>>()?;

    let mut out = output::stdout();
    if globals.json {
        let entities: Vec<Value> = answers
            .iter()
            .zip(&subjects)
            .map(|((entity, statuses), subject)| {
                json!({
                    "entity": entity,
                    "name": name(view, *entity),
                    "statuses": statuses.iter().map(|(authority, status)| {
                        json!({
                            "authority": authority,
                            "status": status.kind(),
                            "reasons": reasons(view, *entity, authority, status, args.on),
                        })
                    }).collect::<Vec<_>>(),
                    "subject": subject.as_ref().map(|subject| json!({
                        "members": subject.members.iter().map(|&member| json!({
                            "entity": member,
                            "name": name(view, member),
                            "list_ids": output::all_list_ids(view, member),
                        })).collect::<Vec<_>>(),
                        "statuses": subject.statuses.iter().map(|(authority, status)| json!({
                            "authority": authority,
                            "status": status.kind(),
                            "through": through(view, status),
                        })).collect::<Vec<_>>(),
                    })),
                })
            })
            .collect();
        let value = json!({
            "ref": args.reference.to_string(),
            "on": args.on,
            "entities": entities,
        });
        return output::print_json(&mut out, view, value);
    }
    // The lists of the entries named below (the headers of several entities, the members of a
    // subject), from one pass over the designations; none, and no pass, for the usual answer.
    let headed: &[EntityId] = if answers.len() > 1 { &entities } else { &[] };
    let named: HashSet<EntityId> = headed
        .iter()
        .copied()
        .chain(
            subjects
                .iter()
                .flatten()
                .flat_map(|s| s.members.iter().copied()),
        )
        .collect();
    let lists = if named.is_empty() {
        output::Lists::new()
    } else {
        output::lists_of(view, |entity| named.contains(&entity))
    };
    for ((entity, statuses), subject) in answers.iter().zip(&subjects) {
        if answers.len() > 1 {
            // Several entities answer the reference (one id on two lists, an IMO number on
            // several entries): each block says whose it is.
            writeln!(
                out,
                "== {} (entity {entity})",
                output::entry(view, *entity, &lists)
            )?;
        }
        if statuses.is_empty() {
            writeln!(
                out,
                "# {} has no designation by any authority in this ledger",
                name(view, *entity)
            )?;
        }
        for (authority, status) in statuses {
            writeln!(out, "{authority} {}", status.kind())?;
            for reason in reasons(view, *entity, authority, status, args.on) {
                writeln!(out, "  {reason}")?;
            }
        }
        if let Some(subject) = subject {
            print_subject(&mut out, view, *entity, subject, &lists, args.on)?;
        }
    }
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}

/// The entity's status with `--authority`, or with every authority that designated it.
fn statuses(
    view: View<'_>,
    entity: EntityId,
    args: &Args,
) -> Result<Vec<(Authority, Status)>, Failure> {
    Ok(match &args.authority {
        Some(authority) => vec![(authority.clone(), view.status(entity, authority, args.on)?)],
        None => view.statuses(entity, args.on)?.into_iter().collect(),
    })
}

/// The lines of an entity's subject: the other members, then the subject's status per
/// authority with the list entries it comes from.
fn print_subject(
    out: &mut impl Write,
    view: View<'_>,
    entity: EntityId,
    subject: &Subject,
    lists: &output::Lists,
    on: NaiveDate,
) -> Outcome {
    let others: Vec<String> = subject
        .members
        .iter()
        .filter(|&&member| member != entity)
        .map(|&member| output::entry(view, member, lists))
        .collect();
    writeln!(
        out,
        "# one subject on {on} with {} (linked), whose status follows",
        others.join(", ")
    )?;
    for (authority, status) in &subject.statuses {
        let through = through(view, status);
        if through.is_empty() {
            writeln!(out, "subject {authority} {}", status.kind())?;
        } else {
            writeln!(
                out,
                "subject {authority} {} (through {})",
                status.kind(),
                through.join(", ")
            )?;
        }
    }
    Ok(())
}

/// The subject an entity makes with the list entries it is linked to on the date.
struct Subject {
    /// Every member, the entity included, sorted.
    members: Vec<EntityId>,
    /// With `--authority`, that authority's status of the subject; otherwise one per authority
    /// that ever designated a member.
    statuses: Vec<(Authority, ClusterStatus)>,
}

/// The entity's subject on `--on`, or `None` when it is linked to nothing then (its own status
/// is then the subject's).
fn subject(view: View<'_>, entity: EntityId, args: &Args) -> Result<Option<Subject>, Failure> {
    let clusters = view.clusters();
    let cluster = clusters.cluster(entity, args.on)?;
    if cluster.members.len() < 2 {
        return Ok(None);
    }
    let statuses = match &args.authority {
        Some(authority) => vec![(
            authority.clone(),
            clusters.status(entity, authority, args.on)?,
        )],
        None => clusters
            .statuses(entity, args.on)?
            .statuses
            .into_iter()
            .collect(),
    };
    Ok(Some(Subject {
        members: cluster.members,
        statuses,
    }))
}

/// The list entries a subject's status comes from: each designation in it as `LIST ID`
/// (`US-OFAC/SDN 17013`), or `AUTHORITY ID` for a designation on no named list.
fn through(view: View<'_>, status: &ClusterStatus) -> Vec<String> {
    let mut entries: Vec<String> = status
        .status
        .designations()
        .iter()
        .filter_map(|&designation| view.designation(designation))
        .map(|designation| {
            let record = designation.record;
            let mut ids = output::list_ids(view, record.entity, &record.authority);
            if ids.is_empty() {
                // An entry with no list id of its authority: named by its name.
                ids = name(view, record.entity);
            }
            match &record.list {
                Some(list) => format!("{list} {ids}"),
                None => format!("{} {ids}", record.authority),
            }
        })
        .collect();
    entries.sort();
    entries.dedup();
    entries
}

/// Why the status is what it is: the designations and licences in force, or the nearest
/// listing periods before and after the date.
fn reasons(
    view: View<'_>,
    entity: EntityId,
    authority: &Authority,
    status: &Status,
    on: NaiveDate,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let who = name(view, entity);
    let ids = output::list_ids(view, entity, authority);
    let entry = if ids.is_empty() {
        who
    } else {
        format!("{who} ({authority}:{ids})")
    };
    for &designation in status.designations() {
        let Some(in_force) = view.designation_on(designation, on) else {
            continue;
        };
        let programs: Vec<&str> = in_force
            .terms
            .programs
            .iter()
            .map(sanctions_ledger::Program::code)
            .collect();
        let source = view
            .change(in_force.designated_by)
            .map(|c| {
                let window = c.window.map_or(String::new(), |w| match w.after {
                    Some(after) => format!(", observed between {after} and {}", w.on_or_before),
                    None => format!(", in force on or before {}", w.on_or_before),
                });
                format!("{}{window}", c.source.citation)
            })
            .unwrap_or_default();
        reasons.push(format!(
            "designated: {entry}, since {}, programs {}: {source}",
            in_force.since,
            if programs.is_empty() {
                "-".to_owned()
            } else {
                programs.join(", ")
            },
        ));
    }
    for &licence in status.licences() {
        if let Some(in_force) = view.licence_on(licence, on) {
            reasons.push(format!(
                "licensed: {} since {} (a licence relieves the listing, it does not end it)",
                in_force.terms.name, in_force.since
            ));
        }
    }
    if status.kind() == StatusKind::NotListed {
        let timeline = view.timeline(entity).ok();
        let periods = timeline
            .iter()
            .flat_map(|t| &t.authorities)
            .find(|t| t.authority == *authority)
            .map(|t| t.periods.as_slice())
            .unwrap_or_default();
        let before = periods.iter().rev().find(|p| p.dates.from <= on);
        let after = periods.iter().find(|p| p.dates.from > on);
        match (before, after) {
            (None, None) => reasons.push(format!(
                "{entry}: never designated by {authority} in this ledger"
            )),
            (before, after) => {
                if let Some(p) = before {
                    let until = p.dates.until.map_or("?".to_owned(), |d| d.to_string());
                    reasons.push(format!(
                        "{entry}: {} from {} until {until}",
                        p.status, p.dates.from
                    ));
                }
                if let Some(p) = after {
                    reasons.push(format!(
                        "{entry}: {} from {} (after this date)",
                        p.status, p.dates.from
                    ));
                }
            }
        }
    }
    reasons
}
