//! `import ofac-xml`: OFAC's ENHANCED XML (`SDN_ENHANCED` or `CONS_ENHANCED`), plain or zipped.

use std::path::PathBuf;

use sanctions_ledger::import::ofac_enhanced;

use super::Common;
use crate::failure::Outcome;
use crate::Globals;

/// `import ofac-xml FILE`
#[derive(clap::Args)]
pub(super) struct Args {
    /// The `SDN_ENHANCED.XML` or `CONS_ENHANCED.XML` file, or the zip OFAC serves it in; its
    /// date is its `dataAsOf`. An entity that moved between lists is printed as a move.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    common: Common,
}

pub(super) fn run(globals: &Globals, args: &Args) -> Outcome {
    let what = args.file.display().to_string();
    super::import(globals, &args.common, &what, || {
        Ok(ofac_enhanced::read(&args.file)?.snapshot()?)
    })
}
