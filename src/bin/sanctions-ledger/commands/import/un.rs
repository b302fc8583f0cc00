//! `import un`: the UN Security Council consolidated list (XML).

use std::path::PathBuf;

use sanctions_ledger::import::un;

use super::Common;
use crate::failure::Outcome;
use crate::Globals;

/// `import un FILE`
#[derive(clap::Args)]
pub(super) struct Args {
    /// The consolidated list file (XML); its date is its `dateGenerated`.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    common: Common,
}

pub(super) fn run(globals: &Globals, args: &Args) -> Outcome {
    let what = args.file.display().to_string();
    super::import(globals, &args.common, &what, || Ok(un::read(&args.file)?))
}
