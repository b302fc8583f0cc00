//! `import`: read an official list file into a snapshot, reconcile it with the ledger, and
//! append the changes. One module per list format under `import/`.

mod ofac_csv;
mod un;

use std::io::Write;

use clap::Subcommand;
use serde_json::json;

use sanctions_ledger::chrono::{DateTime, Utc};
use sanctions_ledger::import::{reconcile, ReconcileOptions, Snapshot};
use sanctions_ledger::LedgerFile;

use crate::failure::{Failure, Outcome};
use crate::output;
use crate::progress::Spinner;
use crate::reference::instant_arg;
use crate::{ledger, Globals};

/// `import FORMAT FILE…`
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    format: Format,
}

/// The list formats the tool imports.
#[derive(Subcommand)]
enum Format {
    /// OFAC's legacy SDN CSV files (`sdn.csv`, with `add.csv`, `alt.csv`, `sdn_comments.csv`).
    OfacCsv(ofac_csv::Args),
    /// The UN Security Council consolidated list (XML); the date is the file's own.
    Un(un::Args),
}

/// What every import takes.
#[derive(clap::Args)]
struct Common {
    /// When the ledger learns of the changes (RFC 3339, UTC); default: now.
    #[arg(long, value_name = "INSTANT", value_parser = instant_arg)]
    recorded: Option<DateTime<Utc>>,
    /// Accept a snapshot that delists more than 10% of the list's entries in force.
    #[arg(long)]
    allow_mass_delisting: bool,
    /// Accept a snapshot that amends more than the usual share of the list's entries at once.
    #[arg(long)]
    allow_mass_amendment: bool,
    /// Reconcile and print what would change, but write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub(crate) fn run(globals: &Globals, args: Args) -> Outcome {
    match args.format {
        Format::OfacCsv(args) => ofac_csv::run(globals, &args),
        Format::Un(args) => un::run(globals, &args),
    }
}

/// Reconciles the snapshot that `parse` reads with the ledger and appends the changes, unless
/// refused or a dry run; prints `DATE +N -N ~N`.
///
/// A refused file changes nothing: the ledger file is byte for byte as it was (and a ledger
/// file this import would have created is not left behind).
fn import(
    globals: &Globals,
    common: &Common,
    what: &str,
    parse: impl FnOnce() -> Result<Snapshot, Failure>,
) -> Outcome {
    let existed = globals.ledger.exists();
    let mut file = ledger::open_with(&globals.ledger, LedgerFile::options().create(true))?;
    let result = reconcile_and_apply(globals, common, what, &mut file, parse);
    if result.is_err() && !existed && file.ledger().is_empty() {
        let path = file.path().to_path_buf();
        drop(file);
        let _ = std::fs::remove_file(path);
    }
    result
}

fn reconcile_and_apply(
    globals: &Globals,
    common: &Common,
    what: &str,
    file: &mut LedgerFile,
    parse: impl FnOnce() -> Result<Snapshot, Failure>,
) -> Outcome {
    let spinner = Spinner::new(format!("reading {what}"));
    let snapshot = parse()?;
    spinner.say(format!(
        "reconciling {} entries of {} with {} changes",
        snapshot.len(),
        snapshot.file(),
        file.ledger().len()
    ));
    let recorded = common.recorded.unwrap_or_else(now);
    let mut options = ReconcileOptions::new(recorded);
    if common.allow_mass_delisting {
        options = options.allow_mass_delisting();
    }
    if common.allow_mass_amendment {
        options = options.allow_mass_amendment();
    }
    let found = reconcile(file.ledger().current(), &snapshot, &options)?;
    let appended = if common.dry_run || found.is_empty() {
        0
    } else {
        spinner.say(format!("writing {} changes", found.changes.len()));
        file.apply_batch(found.changes.iter().cloned())?.appended
    };
    drop(spinner);
    // What the parser read past (a file without its final byte when allowed, …): on standard
    // error, so that standard output stays the summary line.
    for warning in &found.warnings {
        eprintln!("warning: {warning}");
    }

    let view = file.ledger().current();
    let mut out = output::stdout();
    if globals.json {
        let value = json!({
            "file": found.file,
            "date": found.date,
            "previous": found.previous,
            "entries": found.entries,
            "in_force_before": found.in_force_before,
            "designated": found.designations(),
            "delisted": found.delistings(),
            "amended": found.amendments(),
            "appended": appended,
            "dry_run": common.dry_run,
            "recorded": crate::reference::instant(recorded),
            "warnings": found.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "cursor": view.cursor().to_string(),
        });
        return output::print_json(&mut out, view, value);
    }
    writeln!(
        out,
        "{} +{} -{} ~{}",
        found.date,
        found.designations(),
        found.delistings(),
        found.amendments()
    )?;
    if common.dry_run {
        eprintln!("dry run: {} changes not written", found.changes.len());
    }
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}

/// The wall clock, as the recorded instant of an import (the library never reads it).
fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}
