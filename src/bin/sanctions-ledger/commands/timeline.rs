//! `timeline REF`: an entity's periods of being listed and licensed, per authority.

use std::io::Write;

use serde_json::json;

use sanctions_ledger::{ChangeId, View};

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
    let file = ledger::open(&globals.ledger)?;
    let view = reference::view(file.ledger(), args.known_at);
    let entities = args
        .reference
        .resolve(view, &globals.ledger.display().to_string())?;
    let timelines = entities
        .iter()
        .map(|&e| view.timeline(e))
        .collect::<Result<Vec<_>, _>>()?;

    let mut out = output::stdout();
    if globals.json {
        let value = json!({
            "ref": args.reference.to_string(),
            "entities": timelines.iter().map(|t| json!({
                "entity": t.entity,
                "name": name(view, t.entity),
                "timeline": t,
            })).collect::<Vec<_>>(),
        });
        return output::print_json(&mut out, view, value);
    }
    for timeline in &timelines {
        writeln!(
            out,
            "{} {} (entity {})",
            name(view, timeline.entity),
            all_list_ids(view, timeline.entity),
            timeline.entity
        )?;
        let mut table = output::table(&[
            "authority",
            "status",
            "from",
            "until",
            "opened by",
            "closed by",
        ]);
        for authority in &timeline.authorities {
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
        output::print_table(&mut out, &table)?;
    }
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
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
