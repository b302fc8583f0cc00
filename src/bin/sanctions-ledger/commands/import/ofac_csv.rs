//! `import ofac-csv`: OFAC's legacy SDN CSV files.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use sanctions_ledger::chrono::NaiveDate;

use sanctions_ledger::import::ofac::{self, ConsolidatedFiles, ParseOptions, SdnFiles};
use sanctions_ledger::import::ImportError;

use super::Common;
use crate::failure::{Failure, Outcome};
use crate::reference::date;
use crate::Globals;

/// `import ofac-csv SDN.CSV [--date D] [--add F] [--alt F] [--comments F] [--list sdn|cons]`
#[derive(clap::Args)]
pub(super) struct Args {
    /// The `sdn.csv` file (or `cons_prim.csv` with `--list cons`).
    #[arg(value_name = "SDN.CSV")]
    sdn: PathBuf,
    /// Which publication the files are: the SDN list, or the non-SDN Consolidated list
    /// (`cons_prim.csv` and its companions).
    #[arg(long, value_enum, default_value_t = List::Sdn)]
    list: List,
    /// Read files without OFAC's final 0x1A byte (hand-made files), with a warning; a file cut
    /// inside a record is still refused.
    #[arg(long)]
    allow_unterminated: bool,
    /// Leave out companion rows naming entries the main file does not hold, with a warning,
    /// instead of refusing the main file as cut short.
    #[arg(long)]
    allow_unmatched_companion_rows: bool,
    /// The date of the publication (the files carry none); default: the `_YYYY-MM-DD` at the
    /// end of the file name.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    date: Option<NaiveDate>,
    /// The `add.csv` file of the same publication (addresses).
    #[arg(long, value_name = "F")]
    add: Option<PathBuf>,
    /// The `alt.csv` file of the same publication (aliases).
    #[arg(long, value_name = "F")]
    alt: Option<PathBuf>,
    /// The `sdn_comments.csv` file of the same publication (long remarks).
    #[arg(long, value_name = "F")]
    comments: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

/// The OFAC publications in the legacy CSV format.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum List {
    /// The Specially Designated Nationals list (`sdn.csv`).
    Sdn,
    /// The non-SDN Consolidated list (`cons_prim.csv`): restricted, not blocked.
    Cons,
}

pub(super) fn run(globals: &Globals, args: &Args) -> Outcome {
    let Some(date) = args.date.or_else(|| ofac::date_from_file_name(&args.sdn)) else {
        return Err(Failure::Usage(format!(
            "{}: give the publication's date with --date YYYY-MM-DD (the file name has none)",
            args.sdn.display()
        )));
    };
    let what = args.sdn.display().to_string();
    super::import(globals, &args.common, &what, || {
        let sdn = read(&args.sdn)?;
        let add = args.add.as_deref().map(read).transpose()?;
        let alt = args.alt.as_deref().map(read).transpose()?;
        let comments = args.comments.as_deref().map(read).transpose()?;
        let mut options = ParseOptions::new();
        if args.allow_unterminated {
            options = options.allow_unterminated();
        }
        if args.allow_unmatched_companion_rows {
            options = options.allow_unmatched_companion_rows();
        }
        // The two publications have the same files and builders, but different types.
        let snapshot = match args.list {
            List::Sdn => {
                let mut files = SdnFiles::new(&sdn.0, &sdn.1).with_options(options);
                if let Some((name, bytes)) = &add {
                    files = files.with_addresses(name, bytes);
                }
                if let Some((name, bytes)) = &alt {
                    files = files.with_aliases(name, bytes);
                }
                if let Some((name, bytes)) = &comments {
                    files = files.with_comments(name, bytes);
                }
                files.parse(date)?
            }
            List::Cons => {
                let mut files = ConsolidatedFiles::new(&sdn.0, &sdn.1).with_options(options);
                if let Some((name, bytes)) = &add {
                    files = files.with_addresses(name, bytes);
                }
                if let Some((name, bytes)) = &alt {
                    files = files.with_aliases(name, bytes);
                }
                if let Some((name, bytes)) = &comments {
                    files = files.with_comments(name, bytes);
                }
                files.parse(date)?
            }
        };
        Ok(snapshot)
    })
}

/// A file's name (as given) and bytes.
fn read(path: &Path) -> Result<(String, Vec<u8>), Failure> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    Ok((name, bytes))
}
