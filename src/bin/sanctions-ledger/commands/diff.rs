//! `diff FROM TO`: what differs between the states on two dates.

use std::io::Write;

use serde::Serialize;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::{Authority, DesignationId, EntityId, StateDiff, StatusKind, View};

use crate::failure::Outcome;
use crate::output::{self, list_ids, name};
use crate::reference::{self, date, KnownAt};
use crate::{ledger, Globals};

/// `diff FROM TO [--known-at T]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The earlier date.
    #[arg(value_name = "FROM", value_parser = date)]
    from: NaiveDate,
    /// The later date.
    #[arg(value_name = "TO", value_parser = date)]
    to: NaiveDate,
    /// Ask the ledger as it was known then: an RFC 3339 instant, or a date (its end, UTC).
    #[arg(long, value_name = "INSTANT|DATE")]
    known_at: Option<KnownAt>,
}

/// One designation that came into force, ended or was amended between the dates.
#[derive(Serialize)]
struct Row {
    change: &'static str,
    authority: Authority,
    list_ids: String,
    name: String,
    programs: Vec<String>,
    entity: EntityId,
    designation: DesignationId,
}

/// One entity whose status with an authority differs.
#[derive(Serialize)]
struct StatusRow {
    authority: Authority,
    name: String,
    entity: EntityId,
    before: StatusKind,
    after: StatusKind,
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let file = ledger::open_read_only(&globals.ledger)?;
    let view = reference::view(file.ledger(), args.known_at);
    let diff = view.diff(args.from, args.to);
    let rows = rows(view, &diff, args.from);
    let statuses: Vec<StatusRow> = diff
        .status_changes
        .iter()
        .map(|c| StatusRow {
            authority: c.authority.clone(),
            name: name(view, c.entity),
            entity: c.entity,
            before: c.before,
            after: c.after,
        })
        .collect();
    let count = |what| rows.iter().filter(|r| r.change == what).count();
    let (designated, delisted, amended) =
        (count("designated"), count("delisted"), count("amended"));

    let mut out = output::stdout();
    if globals.json {
        let value = serde_json::json!({
            "from": args.from,
            "to": args.to,
            "designated": designated,
            "delisted": delisted,
            "amended": amended,
            "designations": rows,
            "licences_issued": diff.licences_issued.keys().collect::<Vec<_>>(),
            "licences_ended": diff.licences_ended,
            "licences_amended": diff.licences_amended.keys().collect::<Vec<_>>(),
            "status_changes": statuses,
        });
        return output::print_json(&mut out, view, value);
    }
    let mut table = output::table(&["change", "authority", "list id", "programs", "name"]);
    for row in &rows {
        table.add_row(vec![
            row.change.to_owned(),
            row.authority.to_string(),
            row.list_ids.clone(),
            row.programs.join(" "),
            row.name.clone(),
        ]);
    }
    output::print_table(&mut out, &table)?;
    let licences =
        diff.licences_issued.len() + diff.licences_ended.len() + diff.licences_amended.len();
    if licences > 0 {
        writeln!(
            out,
            "licences: {} issued, {} ended, {} amended",
            diff.licences_issued.len(),
            diff.licences_ended.len(),
            diff.licences_amended.len()
        )?;
    }
    writeln!(
        out,
        "{}..{} +{designated} -{delisted} ~{amended}",
        args.from, args.to
    )?;
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}

/// The designations that came into force, ended, or were amended.
fn rows(view: View<'_>, diff: &StateDiff<'_>, from: NaiveDate) -> Vec<Row> {
    let mut rows = Vec::new();
    for (&designation, d) in &diff.designated {
        rows.push(row(
            view,
            "designated",
            designation,
            d.entity,
            d.authority,
            d.terms,
        ));
    }
    for &designation in &diff.delisted {
        if let Some(created) = view.designation(designation) {
            let record = created.record;
            let terms = view
                .designation_on(designation, from)
                .map_or(&record.terms, |d| d.terms);
            rows.push(row(
                view,
                "delisted",
                designation,
                record.entity,
                &record.authority,
                terms,
            ));
        }
    }
    for (&designation, d) in &diff.amended {
        rows.push(row(
            view,
            "amended",
            designation,
            d.entity,
            d.authority,
            d.terms,
        ));
    }
    rows
}

fn row(
    view: View<'_>,
    change: &'static str,
    designation: DesignationId,
    entity: EntityId,
    authority: &Authority,
    terms: &sanctions_ledger::DesignationTerms,
) -> Row {
    Row {
        change,
        authority: authority.clone(),
        list_ids: list_ids(view, entity, authority),
        name: name(view, entity),
        programs: terms.programs.iter().map(|p| p.code().to_owned()).collect(),
        entity,
        designation,
    }
}
