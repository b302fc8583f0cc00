//! `import ftm`: Follow the Money entities, the lists as they stood on a date or a history.

// "FtM", "OpenSanctions" are names here, not code (and the doc comments are `--help` text).
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use serde_json::json;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::import::ftm::{apply_history, apply_state, FtmFile, FtmOptions};
use sanctions_ledger::Authority;

use super::{Common, Summarised, Summary};
use crate::failure::{Failure, Outcome};
use crate::progress::Spinner;
use crate::reference::date;
use crate::Globals;

/// `import ftm FILE (--on DATE | --history) [--list NAME] [--dataset NAME…] [--authority NAME=CODE…]`
#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("when").required(true).args(["on", "history"]))]
pub(super) struct Args {
    /// The FtM file: `entities.ftm.json` lines, or OpenSanctions' nested JSON
    /// (`targets.nested.json`).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The file is the lists as they stood on this date (an OpenSanctions export, or
    /// `export ftm --on`): one snapshot per authority and list, reconciled with the guards.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    on: Option<NaiveDate>,
    /// The file is a history with start and end dates (`export ftm --history`): per authority
    /// and list, one snapshot on every date a sanction starts or ends, in date order. The
    /// guards apply to each list's first snapshot only and cannot be lifted.
    #[arg(long)]
    history: bool,
    /// The list name of sanctions that name no list of their authority (default `FTM`).
    #[arg(long, value_name = "NAME")]
    list: Option<String>,
    /// Take only the sanctions of this dataset (repeat for more); default: all.
    #[arg(long, value_name = "NAME")]
    dataset: Vec<String>,
    /// Read the authority name NAME (in `authority`, or `publisher` of a licence) as the
    /// authority CODE (repeat for more), e.g. `--authority "Direction Générale du Trésor=FR"`.
    #[arg(long, value_name = "NAME=CODE", value_parser = authority_name)]
    authority: Vec<(String, Authority)>,
    #[command(flatten)]
    common: Common,
}

/// `NAME=CODE`.
fn authority_name(text: &str) -> Result<(String, Authority), String> {
    let Some((name, code)) = text.rsplit_once('=') else {
        return Err(format!(
            "{text:?} is not NAME=CODE (e.g. \"HM Treasury=UK\")"
        ));
    };
    let authority = Authority::new(code.trim()).map_err(|e| e.to_string())?;
    Ok((name.trim().to_owned(), authority))
}

pub(super) fn run(globals: &Globals, args: &Args) -> Outcome {
    let common = &args.common;
    if args.history && (common.allow_mass_delisting || common.allow_mass_amendment) {
        return Err(Failure::Usage(
            "--allow-mass-delisting and --allow-mass-amendment apply to `--on` imports only: a \
             history's own dates say what it delists"
                .to_owned(),
        ));
    }
    let mut options = FtmOptions::new();
    if let Some(list) = &args.list {
        options = options.list(list);
    }
    for dataset in &args.dataset {
        options = options.dataset(dataset);
    }
    for (name, authority) in &args.authority {
        options = options.authority(name, authority.clone());
    }
    super::in_ledger(globals, common, |file| {
        let spinner = Spinner::new(format!("reading {}", args.file.display()));
        let ftm = FtmFile::read(&args.file)?;
        spinner.say(format!(
            "reconciling {} FtM entities of {} with {} changes",
            ftm.len(),
            ftm.file(),
            file.ledger().len()
        ));
        let recorded = common.recorded();
        // The library imports into a ledger in memory, all or nothing; a copy takes the
        // changes, and the file gets them in one batch.
        let mut scratch = file.ledger().clone();
        let before = scratch.len();
        let done = match args.on {
            Some(on) => apply_state(&mut scratch, &ftm, on, &options, &common.options(recorded))?,
            None => apply_history(&mut scratch, &ftm, &options, recorded)?,
        };
        let new = scratch.changes()[before..].to_vec();
        let pending = new.len();
        let appended = super::append(common, file, &spinner, new.into_iter())?;
        drop(spinner);
        for skipped in &done.skipped {
            eprintln!(
                "warning: {} line {}: {} not imported: {}",
                ftm.file(),
                skipped.line,
                skipped.id,
                skipped.reason
            );
        }
        for warning in &done.warnings {
            eprintln!(
                "warning: {} line {}: {}: {}",
                ftm.file(),
                warning.line,
                warning.id,
                warning.reason
            );
        }
        let extra = json!({
            "file": ftm.file(),
            "skipped": done.skipped.iter().map(|s| json!({
                "id": s.id,
                "line": s.line,
                "reason": s.reason,
            })).collect::<Vec<_>>(),
            "warnings": done.warnings.iter().map(|s| json!({
                "id": s.id,
                "line": s.line,
                "reason": s.reason,
            })).collect::<Vec<_>>(),
        });
        let summary = Summary {
            found: done
                .reconciliations
                .into_iter()
                .map(|found| {
                    // The snapshot, as its changes cite it (`US-OFAC FTM-SDN list as of D`); a
                    // snapshot that changes nothing cites nothing.
                    let label = found
                        .changes
                        .first()
                        .and_then(|c| c.source.citation.split(" as of ").next())
                        .map(str::to_owned);
                    Summarised::new(found, label)
                })
                .collect(),
            several: true,
            pending,
            appended,
            licences: Some(done.licence_changes),
            recorded,
        };
        summary.print(globals, common, file, Some(extra))
    })
}
