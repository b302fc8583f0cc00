//! `link`: propose links between entries of different lists that share a strong identifier
//! (`import::propose_links`), print them and the conflicts left to a person, and with
//! `--apply` record the links.

use std::io::Write;

use serde_json::json;

use sanctions_ledger::chrono::{DateTime, Utc};
use sanctions_ledger::import::{propose_links, Separation};

use sanctions_ledger::{ChangeKind, LedgerFile, LinkReason};

use crate::failure::Outcome;
use crate::output;
use crate::reference::instant_arg;
use crate::{ledger, Globals};

/// `link [--apply] [--recorded INSTANT]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Record the proposed links (otherwise they are only printed).
    #[arg(long)]
    apply: bool,
    /// When the ledger learns of the links (RFC 3339, UTC); default: now.
    #[arg(long, value_name = "INSTANT", value_parser = instant_arg)]
    recorded: Option<DateTime<Utc>>,
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    // Only `--apply` writes: proposing links reads, alongside other readers.
    let mut file: LedgerFile = if args.apply {
        ledger::open(&globals.ledger)?
    } else {
        ledger::open_read_only(&globals.ledger)?
    };
    let recorded = args
        .recorded
        .unwrap_or_else(|| DateTime::<Utc>::from(std::time::SystemTime::now()));
    let proposals = propose_links(file.ledger().current(), recorded);
    let view = file.ledger().current();
    let lists = output::lists_of(view, |_| true);
    let entry = |entity| output::entry(view, entity, &lists);
    let links: Vec<(String, String, String)> = proposals
        .changes
        .iter()
        .filter_map(|change| match &change.kind {
            ChangeKind::Link { record, .. } => {
                let [a, b] = record.entities;
                let why = match &record.reason {
                    LinkReason::SharedIdentifier(identifier) => identifier.lookup_key(),
                    LinkReason::Analyst(note) => format!("analyst: {note}"),
                    _ => String::new(),
                };
                Some((
                    change.effective.to_string(),
                    format!("{} = {}", entry(a), entry(b)),
                    why,
                ))
            }
            _ => None,
        })
        .collect();
    let conflicts: Vec<(String, String, String)> = proposals
        .conflicts
        .iter()
        .map(|c| {
            let why = match &c.separation {
                Separation::DifferentEntries { authority, .. } => {
                    format!("different entries of {authority}")
                }
                Separation::DifferentKinds { first, second } => {
                    format!("different kinds ({first:?}, {second:?})")
                }
                Separation::Unlinked { by } => format!("unlinked by {by}"),
                _ => "separated".to_owned(),
            };
            let names: Vec<String> = c.entities.iter().map(|&e| entry(e)).collect();
            (c.identifier.lookup_key(), names.join(" | "), why)
        })
        .collect();
    let appended = if args.apply && !proposals.changes.is_empty() {
        file.apply_batch(proposals.changes.iter().cloned())?
            .appended
    } else {
        0
    };
    let view = file.ledger().current();
    let mut out = output::stdout();
    if globals.json {
        let value = json!({
            "links": links.iter().map(|(from, pair, why)| json!({
                "effective": from, "entities": pair, "reason": why,
            })).collect::<Vec<_>>(),
            "conflicts": conflicts.iter().map(|(key, names, why)| json!({
                "identifier": key, "entities": names, "separation": why,
            })).collect::<Vec<_>>(),
            "applied": args.apply,
            "appended": appended,
            "cursor": view.cursor().to_string(),
        });
        return output::print_json(&mut out, view, value);
    }
    for (from, pair, why) in &links {
        writeln!(out, "link      {from}  {pair}  ({why})")?;
    }
    for (key, names, why) in &conflicts {
        writeln!(out, "conflict  {key}  {names}  ({why})")?;
    }
    if args.apply {
        writeln!(
            out,
            "{} links recorded, {} conflicts",
            appended,
            conflicts.len()
        )?;
    } else {
        writeln!(
            out,
            "{} links proposed, {} conflicts (record them with --apply)",
            links.len(),
            conflicts.len()
        )?;
    }
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}
