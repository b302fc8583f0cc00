//! Exports a ledger as Follow the Money entities (`entities.ftm.json` lines) on standard output.
//!
//! ```text
//! cargo run --example ftm_export -- seeds/belavia.json --on 2025-10-01
//! cargo run --example ftm_export -- seeds/belavia.json --history --known-at 2025-09-12T00:00:00Z
//! cargo run --release --example ftm_export -- --sdn ../shared/data/ofac-sdn-csv/sdn_2024-05-03.csv --on 2024-05-03
//! ```
//!
//! The ledger is a ledger JSON document (`seeds/belavia.json`), or, with `--sdn`, the replay of
//! OFAC SDN CSV snapshots (`sdn_YYYY-MM-DD.csv`, in date order). `--on DATE` exports the state
//! on that date, `--history` (the default) every designation and licence; `--known-at T` exports
//! what the ledger knew at the UTC instant `T`. A summary goes to standard error.

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;

use sanctions_ledger::chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use sanctions_ledger::ftm::Export;
use sanctions_ledger::import::{apply_snapshot, ofac, ReconcileOptions};
use sanctions_ledger::Ledger;

fn main() -> Result<(), Box<dyn Error>> {
    let mut ledger_file = None;
    let mut sdn = Vec::new();
    let mut on: Option<NaiveDate> = None;
    let mut known_at: Option<DateTime<Utc>> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--on" => on = Some(value("--on")?.parse()?),
            "--known-at" => known_at = Some(value("--known-at")?.parse()?),
            "--history" => on = None,
            "--sdn" => sdn.push(PathBuf::from(value("--sdn")?)),
            _ => ledger_file = Some(PathBuf::from(arg)),
        }
    }
    let ledger = match ledger_file {
        Some(path) => Ledger::from_json_str(&std::fs::read_to_string(path)?)?,
        None if !sdn.is_empty() => replay(sdn)?,
        None => {
            return Err(
                "usage: ftm_export (LEDGER.json | --sdn sdn_YYYY-MM-DD.csv...) [--on DATE | --history] [--known-at T]"
                    .into(),
            )
        }
    };
    let view = match known_at {
        Some(t) => ledger.known_at(t),
        None => ledger.current(),
    };
    let export = match on {
        Some(date) => Export::state_on(date),
        None => Export::history(),
    };
    let started = std::time::Instant::now();
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::new(stdout);
    let written = export.write(view, &mut out)?;
    out.flush()?;
    eprintln!(
        "{written} FtM entities written in {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// A ledger of OFAC SDN snapshots replayed in date order, each recorded at noon UTC on its date.
fn replay(mut files: Vec<PathBuf>) -> Result<Ledger, Box<dyn Error>> {
    let mut dated = Vec::new();
    for path in files.drain(..) {
        let date = ofac::date_from_file_name(&path)
            .ok_or_else(|| format!("{}: no _YYYY-MM-DD in the file name", path.display()))?;
        dated.push((date, path));
    }
    dated.sort();
    let mut ledger = Ledger::new();
    let mut previous = None;
    for (date, path) in dated {
        let recorded = date.and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(12);
        let mut options = ReconcileOptions::new(recorded);
        if let Some(previous) = previous {
            options = options.previous(previous);
        }
        let snapshot = ofac::read_sdn(&path, date)?;
        apply_snapshot(&mut ledger, &snapshot, &options)?;
        previous = Some(date);
    }
    Ok(ledger)
}
