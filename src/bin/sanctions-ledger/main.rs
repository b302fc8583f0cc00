//! `sanctions-ledger`: the command-line tool over a ledger file.
//!
//! Load official list files into a durable ledger, ask a status on a date, see what changed,
//! follow a feed of changes from a cursor, and prove later what the data said (every answer can
//! carry the ledger's digest). Built with the `cli` feature:
//!
//! ```text
//! cargo install --path . --features cli
//! cargo run --features cli -- --help
//! ```
//!
//! Exit codes: 0 ok, 1 other errors, 2 usage, 3 refused input (standard error starts with
//! `refused:`), 4 the ledger file is locked or damaged.
//!
//! Each command is one file under `commands/`: its arguments (a clap `Args` type) and its `run`
//! function. Adding a command is that file plus its line in [`Command`] and in `run`.

mod commands;
mod failure;
mod ledger;
mod output;
mod progress;
mod reference;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A typed, append-only, bitemporal ledger of sanctions lists: who is listed by whom, under
/// which licences, on any date, as known at any moment.
#[derive(Parser)]
#[command(
    name = "sanctions-ledger",
    version,
    max_term_width = 100,
    after_help = "Exit codes: 0 ok, 1 other errors (an entity the ledger has never seen is one), \
                  2 usage, 3 refused input (standard error starts with `refused:`), \
                  4 the ledger file is locked or damaged."
)]
struct Cli {
    /// The ledger file (JSON Lines, see FORMAT.md).
    #[arg(
        long,
        global = true,
        env = "SANCTIONS_LEDGER",
        default_value = "sanctions.jsonl",
        value_name = "PATH"
    )]
    ledger: PathBuf,

    /// Machine output: one JSON document on standard output, with the digest, the number of
    /// changes seen and `known_at` (null for the current view).
    #[arg(long, global = true)]
    json: bool,

    /// Also print the digest of the ledger content the answer depends on.
    #[arg(long, global = true)]
    digest: bool,

    #[command(subcommand)]
    command: Command,
}

/// What every command gets besides its own arguments.
pub(crate) struct Globals {
    /// The ledger file.
    pub(crate) ledger: PathBuf,
    /// `--json`.
    pub(crate) json: bool,
    /// `--digest`.
    pub(crate) digest: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Import an official list file: reconcile it with the ledger and append the changes.
    Import(commands::import::Args),
    /// The status of an entity on a date, per authority, with the reasons.
    Status(commands::status::Args),
    /// Every designation (and licence) in force on a date.
    State(commands::state::Args),
    /// What differs between the states on two dates.
    Diff(commands::diff::Args),
    /// The changes recorded after a cursor, in recorded order; ends with the next cursor.
    Changes(commands::changes::Args),
    /// An entity's periods of being listed and licensed, per authority.
    Timeline(commands::timeline::Args),
    /// Find entities by name tokens or by an identifier.
    Find(commands::find::Args),
    /// Propose links between entries of different lists that share a strong identifier;
    /// record them with --apply.
    Link(commands::link::Args),
    /// Re-validate the ledger file; print its change count and digest.
    Verify(commands::verify::Args),
    /// Export the ledger (Follow the Money entities), on a date or its whole history.
    Export(commands::export::Args),
    /// Write the ledger to a new file in the current format version (with stored digests).
    Upgrade(commands::upgrade::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = Globals {
        ledger: cli.ledger,
        json: cli.json,
        digest: cli.digest,
    };
    let result = match cli.command {
        Command::Import(args) => commands::import::run(&globals, args),
        Command::Status(args) => commands::status::run(&globals, &args),
        Command::State(args) => commands::state::run(&globals, &args),
        Command::Diff(args) => commands::diff::run(&globals, &args),
        Command::Changes(args) => commands::changes::run(&globals, &args),
        Command::Timeline(args) => commands::timeline::run(&globals, &args),
        Command::Find(args) => commands::find::run(&globals, &args),
        Command::Link(args) => commands::link::run(&globals, &args),
        Command::Verify(args) => commands::verify::run(&globals, &args),
        Command::Export(args) => commands::export::run(&globals, &args),
        Command::Upgrade(args) => commands::upgrade::run(&globals, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
