//! `upgrade NEW`: write the ledger to a new file in the current format version, with the same
//! digests (refused when the old file's lines are not in the canonical form).

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use sanctions_ledger::{Ledger, LedgerFile};

use crate::failure::{Failure, Outcome};
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
    // A version 2 file's digests come from its own bytes, the new file's from each change's
    // canonical JSON: they differ when a line is valid but not canonical (`"published":null`,
    // another key order, spaces). Answers stamped with the old digests could then not be
    // placed in the new file: refuse, and leave no new file.
    if old.version() >= 2 && new.ledger().digest() != old.ledger().digest() {
        let first = first_difference(old.ledger(), new.ledger());
        let rewritten = new.ledger().digest();
        drop(new);
        std::fs::remove_file(&args.new)
            .map_err(|e| Failure::Other(format!("cannot remove {}: {e}", args.new.display())))?;
        return Err(Failure::Refused(format!(
            "{} holds change lines that are valid but not in the canonical form FORMAT.md gives (the first at change {first}): rewritten, their digests would change ({} -> {}), and answers stamped with the old digests could no longer be verified; no new file was written",
            globals.ledger.display(),
            old.ledger().digest(),
            rewritten,
        )));
    }
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

/// The position (1-based) of the first change whose digest differs between two ledgers of the
/// same changes: the chains agree up to it and differ from it on.
fn first_difference(old: &Ledger, new: &Ledger) -> usize {
    let (mut agree, mut differ) = (0, old.len());
    while differ - agree > 1 {
        let mid = agree + (differ - agree) / 2;
        if ledger::digest_after(old, mid) == ledger::digest_after(new, mid) {
            agree = mid;
        } else {
            differ = mid;
        }
    }
    differ
}
