//! `import ofac-csv`: OFAC's legacy SDN CSV files.

use std::path::{Path, PathBuf};

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::import::ofac::{self, SdnFiles};
use sanctions_ledger::import::ImportError;

use super::Common;
use crate::failure::{Failure, Outcome};
use crate::reference::date;
use crate::Globals;

/// `import ofac-csv SDN.CSV [--date D] [--add F] [--alt F] [--comments F]`
#[derive(clap::Args)]
pub(super) struct Args {
    /// The `sdn.csv` file.
    #[arg(value_name = "SDN.CSV")]
    sdn: PathBuf,
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
        let mut files = SdnFiles::new(&sdn.0, &sdn.1);
        if let Some((name, bytes)) = &add {
            files = files.with_addresses(name, bytes);
        }
        if let Some((name, bytes)) = &alt {
            files = files.with_aliases(name, bytes);
        }
        if let Some((name, bytes)) = &comments {
            files = files.with_comments(name, bytes);
        }
        Ok(files.parse(date)?)
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
