//! `import uk`: the UK Sanctions List (FCDO), XML or CSV.

use std::path::PathBuf;

use sanctions_ledger::import::uk;

use super::Common;
use crate::failure::Outcome;
use crate::Globals;

/// `import uk FILE`
#[derive(clap::Args)]
pub(super) struct Args {
    /// The UK Sanctions List file, XML or CSV (told apart by its first bytes); its date is its
    /// `DateGenerated` (`Report Date` in the CSV).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    common: Common,
}

pub(super) fn run(globals: &Globals, args: &Args) -> Outcome {
    let what = args.file.display().to_string();
    super::import(globals, &args.common, &what, || {
        Ok(uk::read(&args.file)?.snapshot())
    })
}
