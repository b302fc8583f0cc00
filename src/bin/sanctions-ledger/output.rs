//! Output: tables and lines for people, JSON for programs, and the digest stamp on both.

use std::io::Write;

use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;
use serde_json::{json, Value};

use std::collections::{BTreeSet, HashMap};

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

/// The lists each entity has been designated on.
pub(crate) type Lists = HashMap<EntityId, BTreeSet<List>>;

/// The lists of the entities `wanted` says, from one pass over the view's designations (every
/// designation counts, whether or not it opened a period of the entity's timeline).
pub(crate) fn lists_of(view: View<'_>, wanted: impl Fn(EntityId) -> bool) -> Lists {
    let mut lists = Lists::new();
    for change in view.changes() {
        if let ChangeKind::Designate { record, .. } = &change.kind {
            if let Some(list) = &record.list {
                if wanted(record.entity) {
                    lists.entry(record.entity).or_default().insert(list.clone());
                }
            }
        }
    }
    lists
}

/// An entity as `NAME [LIST ENTRY-ID…]`: its name and its list entries, each named by the
/// lists of that authority its designations are on (from `lists`; `US-OFAC/SDN 17013` and
/// `US-OFAC/SSI 17013` are two entries sharing an OFAC `ent_num`), or by the authority alone
/// when no designation names a list; the name alone for an entity with no list entry.
pub(crate) fn entry(view: View<'_>, entity: EntityId, lists: &Lists) -> String {
    let on_lists = lists.get(&entity);
    let ids: Vec<String> = view
        .entity(entity)
        .map(|record| {
            record
                .identifiers
                .iter()
                .filter_map(|i| match i {
                    Identifier::ListEntry { authority, id } => {
                        let on: Vec<String> = on_lists
                            .into_iter()
                            .flatten()
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

#[cfg(test)]
mod tests {
    use super::*;
    use sanctions_ledger::{Change, Ledger};

    /// A second designation that starts while the entity is already listed opens no period of
    /// its timeline: its list must be found all the same.
    #[test]
    fn lists_of_finds_a_designation_that_opens_no_period() -> Result<(), Box<dyn std::error::Error>>
    {
        let text = std::fs::read_to_string("seeds/belavia_linked.json")?;
        let mut ledger = Ledger::from_json_str(&text)?;
        let document: serde_json::Value = serde_json::from_str(&text)?;
        let eu_listing = document["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["kind"]["designate"]["record"]["authority"] == "EU")
            .ok_or("the seed's EU designation")?;
        // Made up: the same entity on a second EU list from 2022, recorded after the seed.
        let mut second = eu_listing.clone();
        second["id"] = "00000000-0000-5000-8000-00000000a001".into();
        second["effective"] = "2022-01-01".into();
        second["recorded"] = "2026-06-01T00:00:00Z".into();
        let designate = &mut second["kind"]["designate"];
        designate["designation"] = "00000000-0000-5000-8000-00000000a002".into();
        designate["record"]["list"]["code"] = "SECOND".into();
        let entity: EntityId = serde_json::from_value(designate["record"]["entity"].clone())?;
        ledger.apply(serde_json::from_value::<Change>(second)?)?;

        // The premise: no period of the entity's timeline opens with the second listing.
        let timeline = ledger.current().timeline(entity)?;
        let second_opens_a_period = timeline
            .authorities
            .iter()
            .flat_map(|a| &a.periods)
            .any(|p| p.dates.from.to_string() == "2022-01-01");
        assert!(!second_opens_a_period);

        let lists = lists_of(ledger.current(), |e| e == entity);
        let codes: Vec<String> = lists[&entity].iter().map(ToString::to_string).collect();
        assert_eq!(codes, ["EU/CONSOLIDATED", "EU/SECOND"]);
        // Only the entities asked for.
        assert_eq!(lists.len(), 1);
        Ok(())
    }
}
