//! `import eu`: the EU Financial Sanctions Files XML (the consolidated list).

use std::path::PathBuf;

use sanctions_ledger::import::eu;

use super::Common;
use crate::failure::Outcome;
use crate::Globals;

/// `import eu FILE`
#[derive(clap::Args)]
pub(super) struct Args {
    /// The FSF XML file (`export` of the consolidated list); its date is its
    /// `generationDate`.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    common: Common,
}

pub(super) fn run(globals: &Globals, args: &Args) -> Outcome {
    let what = args.file.display().to_string();
    super::import(globals, &args.common, &what, || {
        Ok(eu::read(&args.file)?.snapshot())
    })
}
