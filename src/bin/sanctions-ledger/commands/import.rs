//! `import`: read an official list file into a snapshot, reconcile it with the ledger, and
//! append the changes. One module per list format under `import/`; what every format shares
//! (opening the ledger, the guards and their opt-in flags, writing nothing on refusal, the
//! summary and the list moves) is here.

mod eu;
mod ftm;
mod ofac_csv;
mod ofac_xml;
mod uk;
mod un;

use std::io::Write;

use clap::Subcommand;
use serde_json::{json, Value};

use sanctions_ledger::chrono::{DateTime, Utc};
use sanctions_ledger::import::Snapshot;
use sanctions_ledger::import::{reconcile, Outcome as Found, ReconcileOptions, Reconciliation};
use sanctions_ledger::{Change, LedgerFile, List};

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
// "OpenSanctions" is a name, not code (and the doc comments are `--help` text).
#[allow(clippy::doc_markdown)]
#[derive(Subcommand)]
enum Format {
    /// OFAC's legacy SDN CSV files (`sdn.csv`, with `add.csv`, `alt.csv`, `sdn_comments.csv`).
    OfacCsv(ofac_csv::Args),
    /// OFAC's ENHANCED XML (`SDN_ENHANCED` or `CONS_ENHANCED`), plain or zipped; the date is the
    /// file's own `dataAsOf`.
    OfacXml(ofac_xml::Args),
    /// The EU Financial Sanctions Files XML (consolidated list); the date is its
    /// `generationDate`.
    Eu(eu::Args),
    /// The UK Sanctions List (FCDO), XML or CSV; the date is its `DateGenerated` (`Report
    /// Date`).
    Uk(uk::Args),
    /// The UN Security Council consolidated list (XML); the date is the file's own.
    Un(un::Args),
    /// Follow the Money entities (`entities.ftm.json` lines or OpenSanctions' nested JSON):
    /// the lists as they stood on a date (`--on`), or a history (`--history`).
    Ftm(ftm::Args),
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

impl Common {
    /// `--recorded`, or the wall clock (the library never reads it).
    fn recorded(&self) -> DateTime<Utc> {
        self.recorded
            .unwrap_or_else(|| DateTime::<Utc>::from(std::time::SystemTime::now()))
    }

    /// The reconciliation options: recorded at `recorded`, with the guards this command line
    /// lifts.
    fn options(&self, recorded: DateTime<Utc>) -> ReconcileOptions {
        let mut options = ReconcileOptions::new(recorded);
        if self.allow_mass_delisting {
            options = options.allow_mass_delisting();
        }
        if self.allow_mass_amendment {
            options = options.allow_mass_amendment();
        }
        options
    }
}

pub(crate) fn run(globals: &Globals, args: Args) -> Outcome {
    match args.format {
        Format::OfacCsv(args) => ofac_csv::run(globals, &args),
        Format::OfacXml(args) => ofac_xml::run(globals, &args),
        Format::Eu(args) => eu::run(globals, &args),
        Format::Uk(args) => uk::run(globals, &args),
        Format::Un(args) => un::run(globals, &args),
        Format::Ftm(args) => ftm::run(globals, &args),
    }
}

/// Reconciles the snapshot that `parse` reads with the ledger and appends the changes, unless
/// refused or a dry run; prints `DATE +N -N ~N`, then one line per list move.
fn import(
    globals: &Globals,
    common: &Common,
    what: &str,
    parse: impl FnOnce() -> Result<Snapshot, Failure>,
) -> Outcome {
    in_ledger(globals, common, |file| {
        let spinner = Spinner::new(format!("reading {what}"));
        let snapshot = parse()?;
        spinner.say(format!(
            "reconciling {} entries of {} with {} changes",
            snapshot.len(),
            snapshot.file(),
            file.ledger().len()
        ));
        let recorded = common.recorded();
        let found = reconcile(
            file.ledger().current(),
            &snapshot,
            &common.options(recorded),
        )?;
        let appended = append(common, file, &spinner, found.changes.iter().cloned())?;
        drop(spinner);
        let pending = found.changes.len();
        let summary = Summary {
            found: vec![Summarised::new(found, None)],
            several: false,
            pending,
            appended,
            licences: None,
            recorded,
        };
        summary.print(globals, common, file, None)
    })
}

/// Opens the ledger file (creating it if missing) and runs `import` on it.
///
/// A refused file changes nothing: `import` writes only in one batch at its end, so the ledger
/// file is byte for byte as it was. A ledger file this import created is not left behind, and
/// an empty one gets no header, when the import is refused or is a dry run (which writes
/// nothing by definition).
fn in_ledger(
    globals: &Globals,
    common: &Common,
    import: impl FnOnce(&mut LedgerFile) -> Outcome,
) -> Outcome {
    // `None`: no file; `Some(0)`: an empty file, to which opening writes a header.
    let length_before = std::fs::metadata(&globals.ledger).ok().map(|m| m.len());
    let mut file = ledger::open_with(&globals.ledger, LedgerFile::options().create(true))?;
    let result = import(&mut file);
    if (result.is_err() || common.dry_run) && file.ledger().is_empty() {
        let path = file.path().to_path_buf();
        drop(file);
        match length_before {
            None => {
                let _ = std::fs::remove_file(path);
            }
            Some(0) => {
                // Back to the empty file it was: without the header opening wrote.
                let _ = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .and_then(|f| f.set_len(0));
            }
            Some(_) => {}
        }
    }
    result
}

/// Appends `changes` to the ledger file in one batch (all or nothing), unless a dry run;
/// returns how many were new.
fn append(
    common: &Common,
    file: &mut LedgerFile,
    spinner: &Spinner,
    changes: impl ExactSizeIterator<Item = Change>,
) -> Result<usize, Failure> {
    if common.dry_run || changes.len() == 0 {
        return Ok(0);
    }
    spinner.say(format!("writing {} changes", changes.len()));
    Ok(file.apply_batch(changes)?.appended)
}

/// One reconciliation as printed, with the snapshot's label when an import made several.
struct Summarised {
    found: Reconciliation,
    label: Option<String>,
}

impl Summarised {
    fn new(found: Reconciliation, label: Option<String>) -> Summarised {
        Summarised { found, label }
    }
}

/// What an import did, for printing.
struct Summary {
    /// The reconciliations, in the order applied.
    found: Vec<Summarised>,
    /// Whether the import makes several snapshots (`--json` lists them under `snapshots`).
    several: bool,
    /// The changes the import makes (written unless a dry run).
    pending: usize,
    /// Changes new to the ledger (0 in a dry run).
    appended: usize,
    /// Changes issuing or ending licences, for formats that carry them.
    licences: Option<usize>,
    recorded: DateTime<Utc>,
}

impl Summary {
    /// Prints one line `[LABEL ]DATE +N -N ~N` per reconciliation, each followed by its list
    /// moves (`  moved ID NAME: LIST -> LIST on DATE`), then (of several snapshots)
    /// `N snapshots unchanged`, `licence changes: N` and `N changes, N appended`; warnings on standard error, so that standard output stays the
    /// summary. With `--json`, one document with `extra`'s members added.
    fn print(
        &self,
        globals: &Globals,
        common: &Common,
        file: &LedgerFile,
        extra: Option<Value>,
    ) -> Outcome {
        // What the parser read past (a file without its final byte when allowed, …).
        for warning in self.found.iter().flat_map(|s| &s.found.warnings) {
            eprintln!("warning: {warning}");
        }
        let view = file.ledger().current();
        let mut out = output::stdout();
        if globals.json {
            // One snapshot of one list file: its members at the top; several (FtM): a list.
            let mut value = match &self.found[..] {
                [one] if !self.several => reconciliation_json(one),
                _ => json!({
                    "snapshots": self.found.iter().map(reconciliation_json).collect::<Vec<_>>(),
                }),
            };
            if let (Value::Object(value), Some(Value::Object(extra))) = (&mut value, extra) {
                value.extend(extra);
            }
            if let Value::Object(value) = &mut value {
                if let Some(licences) = self.licences {
                    value.insert("licence_changes".into(), json!(licences));
                }
                value.insert("changes".into(), json!(self.pending));
                value.insert("appended".into(), json!(self.appended));
                value.insert("dry_run".into(), json!(common.dry_run));
                value.insert(
                    "recorded".into(),
                    json!(crate::reference::instant(self.recorded)),
                );
                value.insert("cursor".into(), json!(view.cursor().to_string()));
            }
            return output::print_json(&mut out, view, value);
        }
        let mut unchanged = 0;
        for summarised in &self.found {
            let found = &summarised.found;
            match &summarised.label {
                Some(label) => write!(out, "{label} ")?,
                // Of several snapshots, those that change nothing (and so cite nothing) are
                // counted, not listed.
                None if self.several => {
                    unchanged += 1;
                    continue;
                }
                None => {}
            }
            writeln!(
                out,
                "{} +{} -{} ~{}",
                found.date,
                found.designations(),
                found.delistings(),
                found.amendments()
            )?;
            for report in &found.report {
                if let Found::Moved {
                    from_list,
                    to_list,
                    effective,
                    ..
                } = &report.outcome
                {
                    writeln!(
                        out,
                        "  moved {} {}: {} -> {} on {effective}",
                        report.id,
                        report.name,
                        list_name(from_list.as_ref()),
                        list_name(to_list.as_ref())
                    )?;
                }
            }
        }
        if unchanged > 0 {
            writeln!(out, "{unchanged} snapshots unchanged")?;
        }
        if let Some(licences) = self.licences.filter(|&n| n > 0) {
            writeln!(out, "licence changes: {licences}")?;
        }
        if self.several {
            // The total, with what no snapshot line shows (the end of a history's last
            // designations, the licences).
            writeln!(out, "{} changes, {} appended", self.pending, self.appended)?;
        }
        if common.dry_run {
            eprintln!("dry run: {} changes not written", self.pending);
        }
        if globals.digest {
            output::print_digest(&mut out, view)?;
        }
        out.flush()?;
        Ok(())
    }
}

/// A reconciliation for `--json`: its counts, moves and warnings.
fn reconciliation_json(summarised: &Summarised) -> Value {
    let found = &summarised.found;
    let moves: Vec<Value> = found
        .report
        .iter()
        .filter_map(|report| match &report.outcome {
            Found::Moved {
                from_list,
                to_list,
                effective,
                ..
            } => Some(json!({
                "id": report.id,
                "name": report.name,
                "from": from_list.as_ref().map(ToString::to_string),
                "to": to_list.as_ref().map(ToString::to_string),
                "effective": effective,
            })),
            _ => None,
        })
        .collect();
    let mut value = json!({
        "file": found.file,
        "date": found.date,
        "previous": found.previous,
        "entries": found.entries,
        "in_force_before": found.in_force_before,
        "designated": found.designations(),
        "delisted": found.delistings(),
        "amended": found.amendments(),
        "moved": found.moves(),
        "moves": moves,
        "warnings": found.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    if let (Some(label), Value::Object(object)) = (&summarised.label, &mut value) {
        object.insert("snapshot".into(), json!(label));
    }
    value
}

/// A list's text form (`US-OFAC/SDN`), or `-` for none.
fn list_name(list: Option<&List>) -> String {
    list.map_or_else(|| "-".to_owned(), ToString::to_string)
}
