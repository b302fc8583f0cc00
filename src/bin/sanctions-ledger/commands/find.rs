//! `find QUERY`: entities by name tokens or by an identifier.

use std::io::Write;

use serde::Serialize;

use sanctions_ledger::{normalise_name, EntityId, View};

use crate::failure::Outcome;
use crate::output::{self, all_list_ids, name};
use crate::reference::{self, KnownAt, Reference};
use crate::{ledger, Globals};

/// `find QUERY [--known-at T]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Name tokens (every token must appear in a name or alias, in any order, ignoring case and
    /// punctuation), or an identifier: `AUTHORITY:LIST-ID`, `IMO:1234567`, an entity id.
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    query: Vec<String>,
    /// Ask the ledger as it was known then: an RFC 3339 instant, or a date (its end, UTC).
    #[arg(long, value_name = "INSTANT|DATE")]
    known_at: Option<KnownAt>,
}

/// One entity found.
#[derive(Serialize)]
struct Found {
    entity: EntityId,
    name: String,
    kind: String,
    list_ids: String,
    matched: String,
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let file = ledger::open_read_only(&globals.ledger)?;
    let view = reference::view(file.ledger(), args.known_at);
    let query = args.query.join(" ");
    let found: Vec<Found> = search(view, &query)
        .into_iter()
        .map(|(entity, matched)| Found {
            entity,
            name: name(view, entity),
            kind: view.entity(entity).map_or_else(String::new, |e| {
                serde_json::to_value(e.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            }),
            list_ids: all_list_ids(view, entity),
            matched,
        })
        .collect();

    let mut out = output::stdout();
    if globals.json {
        let value = serde_json::json!({ "query": query, "found": found });
        return output::print_json(&mut out, view, value);
    }
    let mut table = output::table(&["entity", "kind", "list ids", "name (matched)"]);
    for f in &found {
        let name = if f.matched == f.name {
            f.name.clone()
        } else {
            format!("{} ({})", f.name, f.matched)
        };
        table.add_row(vec![
            f.entity.to_string(),
            f.kind.clone(),
            f.list_ids.clone(),
            name,
        ]);
    }
    output::print_table(&mut out, &table)?;
    writeln!(out, "{} found", found.len())?;
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}

/// The entities matching `query`, each with the name or identifier that matched: by identifier
/// when the query reads as one, otherwise every entity one of whose names or aliases holds all
/// of the query's tokens.
///
/// O(n) in the entities for a name query.
fn search(view: View<'_>, query: &str) -> Vec<(EntityId, String)> {
    if let Ok(reference) = query.parse::<Reference>() {
        if let Ok(found) = reference.resolve(view, "") {
            return found
                .into_iter()
                .map(|e| (e, reference.to_string()))
                .collect();
        }
    }
    let tokens: Vec<String> = normalise_name(query)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if tokens.is_empty() {
        return Vec::new();
    }
    view.entities()
        .into_iter()
        .filter_map(|entity| {
            let record = view.entity(entity)?;
            record
                .names()
                .find(|name| {
                    let normalised = normalise_name(name);
                    let words: Vec<&str> = normalised.split_whitespace().collect();
                    tokens.iter().all(|t| words.contains(&t.as_str()))
                })
                .map(|name| (entity, name.to_owned()))
        })
        .collect()
}
