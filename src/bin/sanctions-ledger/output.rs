//! Output: tables and lines for people, JSON for programs, and the digest stamp on both.

use std::io::Write;

use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;
use serde_json::{json, Value};

use std::collections::BTreeSet;

use sanctions_ledger::{Authority, ChangeKind, EntityId, Identifier, List, View};

use crate::failure::Outcome;
use crate::reference::instant;

/// Standard output, locked once and buffered.
pub(crate) fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// A table with a header row, in plain text without borders.
pub(crate) fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| h.to_uppercase()));
    table
}

/// Prints `table` unless it has no rows, without the padding at each line's ends.
pub(crate) fn print_table(out: &mut impl Write, table: &Table) -> Outcome {
    if table.row_count() == 0 {
        return Ok(());
    }
    for line in table.lines() {
        writeln!(
            out,
            "{}",
            line.strip_prefix(' ').unwrap_or(&line).trim_end()
        )?;
    }
    Ok(())
}

/// Prints `value` as pretty JSON, with the view's digest and instant added when it is an
/// object.
pub(crate) fn print_json(out: &mut impl Write, view: View<'_>, value: impl Serialize) -> Outcome {
    let mut value = serde_json::to_value(value)?;
    if let Value::Object(object) = &mut value {
        let stamp = stamp(view);
        for (key, field) in stamp.as_object().into_iter().flatten() {
            object.insert(key.clone(), field.clone());
        }
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(())
}

/// The view's digest, instant and size, for JSON.
pub(crate) fn stamp(view: View<'_>) -> Value {
    json!({
        "known_at": view.known_at().map(instant),
        "changes_seen": view.cursor().position(),
        "digest": view.digest().to_string(),
    })
}

/// The line `--digest` adds: `digest: D (as known at T, N changes)`.
pub(crate) fn print_digest(out: &mut impl Write, view: View<'_>) -> Outcome {
    let when = view
        .known_at()
        .map_or("now".to_owned(), |t| format!("at {}", instant(t)));
    writeln!(
        out,
        "digest: {} (as known {when}, {} changes)",
        view.digest(),
        view.cursor().position()
    )?;
    Ok(())
}

/// The entity's latest name in the view, or its id.
pub(crate) fn name(view: View<'_>, entity: EntityId) -> String {
    view.entity(entity)
        .map_or_else(|| entity.to_string(), |e| e.name.clone())
}

/// The entity's ids on the lists of `authority` (e.g. `44541` for US-OFAC), joined.
pub(crate) fn list_ids(view: View<'_>, entity: EntityId, authority: &Authority) -> String {
    let Some(record) = view.entity(entity) else {
        return String::new();
    };
    let ids: Vec<&str> = record
        .identifiers
        .iter()
        .filter_map(|identifier| match identifier {
            Identifier::ListEntry { authority: a, id } if a == authority => Some(id.as_str()),
            _ => None,
        })
        .collect();
    ids.join(" ")
}

/// Every list id of the entity, as `AUTHORITY:ID`, joined.
pub(crate) fn all_list_ids(view: View<'_>, entity: EntityId) -> String {
    let Some(record) = view.entity(entity) else {
        return String::new();
    };
    let ids: Vec<String> = record
        .identifiers
        .iter()
        .filter_map(|identifier| match identifier {
            Identifier::ListEntry { authority, id } => Some(format!("{authority}:{id}")),
            _ => None,
        })
        .collect();
    ids.join(" ")
}

/// An entity as `NAME [LIST ENTRY-ID…]`: its name and its list entries, each named by the
/// lists among `lists` (those the entity's designations are on) of that authority
/// (`US-OFAC/SDN 17013` and `US-OFAC/SSI 17013` are two entries sharing an OFAC `ent_num`), or
/// by the authority alone when no designation names a list; the name alone for an entity with
/// no list entry.
pub(crate) fn entry(view: View<'_>, entity: EntityId, lists: &BTreeSet<List>) -> String {
    let ids: Vec<String> = view
        .entity(entity)
        .map(|record| {
            record
                .identifiers
                .iter()
                .filter_map(|i| match i {
                    Identifier::ListEntry { authority, id } => {
                        let on: Vec<String> = lists
                            .iter()
                            .filter(|list| list.authority() == authority)
                            .map(ToString::to_string)
                            .collect();
                        if on.is_empty() {
                            Some(format!("{authority} {id}"))
                        } else {
                            Some(format!("{} {id}", on.join("+")))
                        }
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        name(view, entity)
    } else {
        format!("{} [{}]", name(view, entity), ids.join(", "))
    }
}

/// The lists one entity's designations are on, as the view sees them (from its timeline's
/// designations).
pub(crate) fn lists_of(view: View<'_>, entity: EntityId) -> BTreeSet<List> {
    let Ok(timeline) = view.timeline(entity) else {
        return BTreeSet::new();
    };
    timeline
        .authorities
        .iter()
        .flat_map(|authority| &authority.periods)
        .flat_map(|period| &period.opened_by)
        .filter_map(|&id| match &view.change(id)?.kind {
            ChangeKind::Designate { record, .. } => record.list.clone(),
            _ => None,
        })
        .collect()
}
