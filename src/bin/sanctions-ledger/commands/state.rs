//! `state --on DATE`: every designation and licence in force on a date.

use std::io::Write;

use clap::ValueEnum;
use serde::Serialize;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::{Authority, DesignationId, LicenceId};

use crate::failure::{Failure, Outcome};
use crate::output::{self, list_ids, name};
use crate::reference::{self, date, KnownAt};
use crate::{ledger, Globals};

/// `state --on DATE [--authority A] [--known-at T] [--format table|json|csv]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    on: NaiveDate,
    /// Only this authority's designations and licences.
    #[arg(long, value_name = "A", value_parser = super::status::authority)]
    authority: Option<Authority>,
    /// Ask the ledger as it was known then: an RFC 3339 instant, or a date (its end, UTC).
    #[arg(long, value_name = "INSTANT|DATE")]
    known_at: Option<KnownAt>,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

/// One designation in force, as printed.
#[derive(Serialize)]
struct Row {
    authority: Authority,
    /// The authority's list (SDN, NS-CMIC, …), when the designation names one.
    list: Option<String>,
    list_ids: String,
    name: String,
    programs: Vec<String>,
    measures: Vec<String>,
    since: NaiveDate,
    entity: sanctions_ledger::EntityId,
    designation: DesignationId,
}

/// One licence in force, as printed.
#[derive(Serialize)]
struct LicenceRow {
    authority: Authority,
    name: String,
    since: NaiveDate,
    covers: Vec<String>,
    licence: LicenceId,
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let file = ledger::open_read_only(&globals.ledger)?;
    let view = reference::view(file.ledger(), args.known_at);
    let state = view.state_on(args.on);
    let keep = |authority: &Authority| args.authority.as_ref().is_none_or(|a| a == authority);
    let mut rows: Vec<Row> = state
        .designations
        .iter()
        .filter(|(_, d)| keep(d.authority))
        .map(|(&designation, d)| Row {
            authority: d.authority.clone(),
            list: d.list.map(|l| l.code().to_owned()),
            list_ids: list_ids(view, d.entity, d.authority),
            name: name(view, d.entity),
            programs: d
                .terms
                .programs
                .iter()
                .map(|p| p.code().to_owned())
                .collect(),
            measures: d.terms.measures.iter().map(measure).collect(),
            since: d.since,
            entity: d.entity,
            designation,
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.authority, &a.name, &a.list_ids).cmp(&(&b.authority, &b.name, &b.list_ids))
    });
    let licences: Vec<LicenceRow> = state
        .licences
        .iter()
        .filter(|(_, l)| keep(l.authority))
        .map(|(&licence, l)| LicenceRow {
            authority: l.authority.clone(),
            name: l.terms.name.clone(),
            since: l.since,
            covers: l.terms.covers.iter().map(|&e| name(view, e)).collect(),
            licence,
        })
        .collect();

    let format = if globals.json {
        Format::Json
    } else {
        args.format
    };
    let mut out = output::stdout();
    match format {
        Format::Json => {
            let value = serde_json::json!({
                "on": args.on,
                "designations": rows,
                "licences": licences,
            });
            return output::print_json(&mut out, view, value);
        }
        Format::Csv => write_csv(&mut out, &rows)?,
        Format::Table => {
            let mut table =
                output::table(&["authority", "list", "list id", "since", "programs", "name"]);
            for row in &rows {
                table.add_row(vec![
                    row.authority.to_string(),
                    row.list.clone().unwrap_or_else(|| "-".to_owned()),
                    row.list_ids.clone(),
                    row.since.to_string(),
                    row.programs.join(" "),
                    row.name.clone(),
                ]);
            }
            output::print_table(&mut out, &table)?;
            for licence in &licences {
                writeln!(
                    out,
                    "licence {} {} since {}: covers {}",
                    licence.authority,
                    licence.name,
                    licence.since,
                    licence.covers.join(", ")
                )?;
            }
            writeln!(
                out,
                "{} designations and {} licences in force on {}",
                rows.len(),
                licences.len(),
                args.on
            )?;
        }
    }
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}

/// A measure's name as in the JSON form (`asset_freeze`, …).
pub(crate) fn measure(measure: &sanctions_ledger::Measure) -> String {
    match serde_json::to_value(measure) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => format!("{measure:?}"),
    }
}

/// The rows as CSV with a header (programs and measures joined by `;`).
fn write_csv(out: &mut impl Write, rows: &[Row]) -> Result<(), Failure> {
    let mut writer = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Failure::from(e),
        other => Failure::Other(format!("cannot write the CSV output: {other:?}")),
    };
    writer
        .write_record([
            "authority",
            "list",
            "list_ids",
            "name",
            "programs",
            "measures",
            "since",
            "entity",
            "designation",
        ])
        .map_err(failed)?;
    for row in rows {
        writer
            .write_record([
                row.authority.to_string(),
                row.list.clone().unwrap_or_default(),
                row.list_ids.clone(),
                row.name.clone(),
                row.programs.join(";"),
                row.measures.join(";"),
                row.since.to_string(),
                row.entity.to_string(),
                row.designation.to_string(),
            ])
            .map_err(failed)?;
    }
    writer.flush()?;
    Ok(())
}
