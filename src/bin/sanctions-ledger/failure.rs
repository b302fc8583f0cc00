//! [`Failure`]: why a command failed, and the exit code that says so.

use std::process::ExitCode;

use sanctions_ledger::import::ImportError;
use sanctions_ledger::Error;

/// A failed command: its exit code's class and the message for standard error.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Exit 1: anything else (a file that cannot be read, an unknown reference, …).
    Other(String),
    /// Exit 2: the command line is wrong in a way clap cannot see.
    Usage(String),
    /// Exit 3: input refused (a list file that fails its checks, a change the ledger's rules
    /// refuse, a cursor of another ledger). Standard error starts with `refused:`.
    Refused(String),
    /// Exit 4: the ledger file is locked by another process, or damaged.
    Ledger(String),
    /// Exit 0, silently: standard output was closed by its reader (`| head`), which is not an
    /// error of this command.
    Closed,
}

impl Failure {
    /// Prints the message on standard error and returns the exit code.
    pub(crate) fn report(self) -> ExitCode {
        let (code, line) = match self {
            Failure::Other(message) => (1, format!("error: {message}")),
            Failure::Usage(message) => (2, format!("error: {message}")),
            Failure::Refused(message) => (3, format!("refused: {message}")),
            Failure::Ledger(message) => (4, format!("error: {message}")),
            Failure::Closed => return ExitCode::SUCCESS,
        };
        eprintln!("{line}");
        ExitCode::from(code)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let message = describe(&error);
        match error {
            Error::Locked { .. } => Failure::Ledger(format!(
                "{message} (another sanctions-ledger is using it; try again when it is done)"
            )),
            Error::TornTail { .. } => Failure::Ledger(format!(
                "{message}; `sanctions-ledger verify --recover` truncates it"
            )),
            Error::BadHeader { .. }
            | Error::UnsupportedFileFormat { .. }
            | Error::BadLine { .. }
            | Error::Refused { .. }
            | Error::DigestMismatch { .. } => Failure::Ledger(message),
            Error::Io { .. }
            | Error::Parse { .. }
            | Error::UnsupportedFormat { .. }
            | Error::EntityNotKnown { .. } => Failure::Other(message),
            // The ledger's rules, and cursors of another ledger: the input is refused.
            _ => Failure::Refused(message),
        }
    }
}

impl From<ImportError> for Failure {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Io { .. } => Failure::Other(error.to_string()),
            ImportError::Ledger { source, file } => Failure::Refused(format!(
                "the ledger refused the changes from {}: {}",
                file.as_deref().unwrap_or("the file"),
                describe(&source)
            )),
            other => Failure::Refused(other.to_string()),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure::Closed;
        }
        Failure::Other(format!("cannot write the output: {error}"))
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        if error.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return Failure::Closed;
        }
        Failure::Other(format!("cannot write the JSON output: {error}"))
    }
}

/// The error's message, then its sources' (a refused change in a ledger file names the file
/// and line, its source the rule's own message), then the rule it breaks, if any.
fn describe(error: &Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    match error.rule() {
        Some(rule) => format!("{message} (rule {rule:?})"),
        None => message,
    }
}

/// A command's result.
pub(crate) type Outcome = Result<(), Failure>;
