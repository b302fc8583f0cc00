//! `export ftm`: the ledger as Follow the Money entities (`entities.ftm.json` lines).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::ftm::Export;
use sanctions_ledger::View;

use crate::failure::{Failure, Outcome};
use crate::output;
use crate::reference::{self, date, instant, KnownAt};
use crate::{ledger, Globals};

/// `export FORMAT …`
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    format: Format,
}

/// The formats the tool exports.
#[derive(Subcommand)]
enum Format {
    /// Follow the Money entities, one JSON object per line (`entities.ftm.json`): the state on
    /// a date (`--on`), or every designation and licence with its dates (`--history`, the
    /// default).
    Ftm(FtmArgs),
}

/// `export ftm [--on DATE | --history] [--known-at T] [--dataset NAME] [-o FILE]`
#[derive(clap::Args)]
struct FtmArgs {
    /// The designations and licences in force on this date, without end dates.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date, conflicts_with = "history")]
    on: Option<NaiveDate>,
    /// Every designation and licence with its start and end dates (the default).
    #[arg(long)]
    history: bool,
    /// Export the ledger as it was known then: an RFC 3339 instant, or a date (its end, UTC).
    #[arg(long, value_name = "INSTANT|DATE")]
    known_at: Option<KnownAt>,
    /// Name this dataset in every entity's `datasets`.
    #[arg(long, value_name = "NAME")]
    dataset: Option<String>,
    /// Write to this file (replaced whole, atomically: it never holds a partial export)
    /// instead of standard output; then standard output gets the count (and the digest with
    /// `--digest`, one document with `--json`). Without it, the lines are standard output and
    /// the count and digest go to standard error.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(crate) fn run(globals: &Globals, args: &Args) -> Outcome {
    match &args.format {
        Format::Ftm(args) => ftm(globals, args),
    }
}

fn ftm(globals: &Globals, args: &FtmArgs) -> Outcome {
    let file = ledger::open_read_only(&globals.ledger)?;
    let view = reference::view(file.ledger(), args.known_at);
    let mut export = match args.on {
        Some(on) => Export::state_on(on),
        None => Export::history(),
    };
    if let Some(dataset) = &args.dataset {
        export = export.dataset(dataset);
    }
    let what = args
        .on
        .map_or("history".to_owned(), |on| format!("state on {on}"));
    let Some(path) = &args.output else {
        // The lines are the output; what they are goes to standard error.
        let mut out = output::stdout();
        let written = export.write(view, &mut out)?;
        out.flush()?;
        eprintln!("{written} FtM entities ({what}); {}", stamp(view));
        return Ok(());
    };
    let written = write_atomically(path, |out| export.write(view, out))?;
    let mut out = output::stdout();
    if globals.json {
        let value = json!({
            "file": path,
            "entities": written,
            "on": args.on,
        });
        return output::print_json(&mut out, view, value);
    }
    writeln!(
        out,
        "{written} FtM entities ({what}) written to {}",
        path.display()
    )?;
    if globals.digest {
        output::print_digest(&mut out, view)?;
    }
    out.flush()?;
    Ok(())
}

/// `digest D (as known …, N changes)`.
fn stamp(view: View<'_>) -> String {
    let when = view
        .known_at()
        .map_or("now".to_owned(), |t| format!("at {}", instant(t)));
    format!(
        "digest {} (as known {when}, {} changes)",
        view.digest(),
        view.cursor().position()
    )
}

/// Writes `path` whole or not at all: `write` fills a new file beside it, which is synced and
/// then renamed over `path`; on any error the new file is removed and `path` is as it was.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<usize>,
) -> Result<usize, Failure> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Failure::Usage(format!("{}: not a file name", path.display())))?;
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let failed = |what: &str, error: std::io::Error| {
        let _ = std::fs::remove_file(&temporary);
        Failure::Other(format!("{}: cannot {what}: {error}", path.display()))
    };
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .map_err(|e| failed("create a file beside it", e))?;
    let mut out = BufWriter::new(file);
    let written = write(&mut out).map_err(|e| failed("write it", e))?;
    let file = out
        .into_inner()
        .map_err(|e| failed("write it", e.into_error()))?;
    file.sync_all().map_err(|e| failed("sync it", e))?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(|e| failed("replace it", e))?;
    // The rename itself is durable once the directory is synced (not possible everywhere).
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(written)
}
