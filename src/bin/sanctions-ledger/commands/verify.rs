//! `verify`: re-validate the ledger file, and print its change count and digest.

use std::io::Write;

use serde_json::json;

use sanctions_ledger::{Digest, LedgerFile};

use crate::failure::{Failure, Outcome};
use crate::output;
use crate::reference::instant;
use crate::{ledger, Globals};

/// `verify [--expect DIGEST] [--recover]`
#[derive(clap::Args)]
pub(crate) struct Args {
    /// A digest printed with an earlier answer: check that it is one of this ledger's (the
    /// digest as known at some instant), and say which.
    #[arg(long, value_name = "DIGEST", value_parser = digest)]
    expect: Option<Digest>,
    /// Truncate a torn tail (a crash in the middle of an append) instead of failing.
    #[arg(long)]
    recover: bool,
}

fn digest(text: &str) -> Result<Digest, String> {
    text.parse()
        .map_err(|e: sanctions_ledger::Error| e.to_string())
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    let file = ledger::open_with(
        &globals.ledger,
        LedgerFile::options()
            .recover(args.recover)
            .read_only(!args.recover),
    )?;
    let ledger = file.ledger();
    let view = ledger.current();
    let found = args.expect.map(|expected| {
        // The chain is in memory: every prefix's digest is one lookup.
        (0..=ledger.len()).find(|&n| ledger::digest_after(ledger, n) == Some(expected))
    });

    let mut out = output::stdout();
    let checked = if file.version() >= 2 {
        "every change re-validated and its stored digest checked"
    } else {
        "every change re-validated (format version 1 stores no digests; `upgrade` writes a file that does)"
    };
    if globals.json {
        let value = json!({
            "file": globals.ledger,
            "version": file.version(),
            "changes": ledger.len(),
            "latest_recorded": ledger.latest_recorded().map(instant),
            "recovered": file.recovered().map(|t| json!({"offset": t.offset, "bytes": t.bytes})),
            "expected": args.expect.map(|d| d.to_string()),
            "expected_at_change": found.flatten(),
        });
        output::print_json(&mut out, view, value)?;
    } else {
        if let Some(cut) = file.recovered() {
            writeln!(
                out,
                "recovered: cut a torn tail of {} bytes at offset {}",
                cut.bytes, cut.offset
            )?;
        }
        writeln!(
            out,
            "{}: {} changes, format version {}, {checked}",
            globals.ledger.display(),
            ledger.len(),
            file.version()
        )?;
        writeln!(out, "digest: {}", ledger.digest())?;
        if let (Some(expected), Some(Some(n))) = (args.expect, found) {
            let changes = ledger.changes();
            let recorded = match n.checked_sub(1).and_then(|at| changes.get(at)) {
                None => "before any change".to_owned(),
                // A view as known at an instant sees every change recorded at it: a prefix
                // that stops inside such a group (a batch) is no view's digest.
                Some(last)
                    if changes
                        .get(n)
                        .is_some_and(|next| next.recorded == last.recorded) =>
                {
                    format!(
                        "inside the changes recorded at {}: no view as known at an instant has exactly these",
                        instant(last.recorded)
                    )
                }
                Some(last) => format!("as known at {}", instant(last.recorded)),
            };
            writeln!(
                out,
                "{expected}: the digest after the first {n} changes ({recorded})"
            )?;
        }
    }
    out.flush()?;
    match (args.expect, found) {
        // Exit 1, not 4: the file itself was just checked and is sound; the digest is an
        // unknown reference, like an entity the ledger has never seen.
        (Some(expected), Some(None)) => Err(Failure::Other(format!(
            "{expected} is not a digest of {} at any point of its history: the answer it came with was not given by this ledger, or the file was changed since",
            globals.ledger.display()
        ))),
        _ => Ok(()),
    }
}
