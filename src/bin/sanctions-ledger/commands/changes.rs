//! `changes [--since CURSOR] [--limit N]`: the change feed, ending with the cursor to resume
//! from.

use std::io::Write;

use sanctions_ledger::{Change, ChangeKind, Cursor, Link, LinkReason, View};

use crate::failure::{Failure, Outcome};
use crate::output::{self, name};
use crate::reference::instant;
use crate::{ledger, Globals};

/// `changes [--since CURSOR] [--limit N]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Only the changes recorded after this cursor (printed by an earlier `changes`); default:
    /// from the start.
    #[arg(long, value_name = "CURSOR", value_parser = cursor)]
    since: Option<Cursor>,
    /// At most this many changes; the cursor printed then resumes after the last one.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
}

fn cursor(text: &str) -> Result<Cursor, String> {
    text.parse()
        .map_err(|e: sanctions_ledger::Error| e.to_string())
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let file = ledger::open_read_only(&globals.ledger)?;
    let ledger = file.ledger();
    let since = args.since.unwrap_or(Cursor::START);
    let mut feed = ledger.changes_since(&since).map_err(Failure::from)?;
    if let Some(limit) = args.limit {
        feed = feed.limit(limit);
    }
    let view = ledger.current();
    let next = feed.cursor();

    let mut out = output::stdout();
    if globals.json {
        let value = serde_json::json!({
            "since": since.to_string(),
            "count": feed.changes().len(),
            "changes": feed.changes(),
            "cursor": next.to_string(),
        });
        return output::print_json(&mut out, view, value);
    }
    // Streamed line by line rather than laid out as a table: a feed from the start of a large
    // ledger is millions of lines, and every column but the last has a fixed width anyway.
    if !feed.changes().is_empty() {
        writeln!(
            out,
            "{:<20}  {:<10}  {:<17}  {:<36}  SUBJECT",
            "RECORDED", "EFFECTIVE", "KIND", "CHANGE"
        )?;
    }
    for change in feed.changes() {
        writeln!(
            out,
            "{:<20}  {:<10}  {:<17}  {:<36}  {}",
            instant(change.recorded),
            change.effective,
            change.kind.name(),
            change.id,
            subject(view, change)
        )?;
    }
    writeln!(out, "{} changes", feed.changes().len())?;
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    writeln!(out, "cursor: {next}")?;
    out.flush()?;
    Ok(())
}

/// What a change is about, in words: the entity's name, the licence's name, the two entities
/// a link joins (or an unlink parts), or the change a retraction withdraws.
fn subject(view: View<'_>, change: &Change) -> String {
    let designation = |id| {
        view.designation(id).map_or_else(
            || id.to_string(),
            |d| format!("{} {}", d.record.authority, name(view, d.record.entity)),
        )
    };
    let licence = |id| {
        view.licence(id).map_or_else(
            || id.to_string(),
            |l| format!("{} {}", l.record.authority, l.record.terms.name),
        )
    };
    match &change.kind {
        ChangeKind::RegisterEntity { record, .. } | ChangeKind::AmendEntity { record, .. } => {
            record.name.clone()
        }
        ChangeKind::Designate { record, .. } => {
            format!("{} {}", record.authority, name(view, record.entity))
        }
        ChangeKind::AmendDesignation {
            designation: id, ..
        }
        | ChangeKind::Delist { designation: id } => designation(*id),
        ChangeKind::IssueLicence { record, .. } => {
            format!("{} {}", record.authority, record.terms.name)
        }
        ChangeKind::AmendLicence { licence: id, .. }
        | ChangeKind::EndLicence { licence: id, .. } => licence(*id),
        ChangeKind::Retract { change, reason } => format!("{change}: {reason}"),
        ChangeKind::Link { record, .. } => linked(view, record),
        ChangeKind::Unlink { link } => view
            .link(*link)
            .map_or_else(|| link.to_string(), |l| linked(view, l.record)),
        _ => String::new(),
    }
}

/// The two entities of a link, and why they are one subject.
fn linked(view: View<'_>, link: &Link) -> String {
    let [a, b] = link.entities;
    let why = match &link.reason {
        LinkReason::SharedIdentifier(identifier) => identifier.lookup_key(),
        LinkReason::Analyst(note) => format!("analyst: {note}"),
        _ => String::new(),
    };
    format!("{} = {} ({why})", name(view, a), name(view, b))
}
