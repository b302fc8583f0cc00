//! `upgrade NEW`: write the ledger to a new file in the current format version.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use sanctions_ledger::LedgerFile;

use crate::failure::Outcome;
use crate::output;
use crate::{ledger, Globals};

/// `upgrade NEW`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The new file; it must not exist. The ledger file is left as it was.
    #[arg(value_name = "NEW")]
    new: PathBuf,
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let old = ledger::open_read_only(&globals.ledger)?;
    let new = LedgerFile::create_with(&args.new, old.ledger())?;
    let view = new.ledger().current();
    let mut out = output::stdout();
    if globals.json {
        let value = json!({
            "from": globals.ledger,
            "from_version": old.version(),
            "to": args.new,
            "to_version": new.version(),
            "changes": new.ledger().len(),
        });
        return output::print_json(&mut out, view, value);
    }
    writeln!(
        out,
        "{} (version {}) -> {} (version {}): {} changes",
        globals.ledger.display(),
        old.version(),
        args.new.display(),
        new.version(),
        new.ledger().len()
    )?;
    writeln!(out, "digest: {}", new.ledger().digest())?;
    out.flush()?;
    Ok(())
}
