//! Every file in `tests/bad_inputs/` is refused with the error kind and line that
//! `tests/bad_inputs/EXPECTED` names, without a panic; recovery repairs the torn ones only.

use std::path::{Path, PathBuf};

use sanctions_ledger::{Error, LedgerFile};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

/// The kind of an error, as written in `EXPECTED`.
fn kind(error: &Error) -> String {
    match error {
        Error::BadHeader { .. } => "bad_header".to_owned(),
        Error::UnsupportedFileFormat { .. } => "unsupported_format".to_owned(),
        Error::TornTail { .. } => "torn_tail".to_owned(),
        Error::BadLine { .. } => "bad_line".to_owned(),
        Error::DigestMismatch { .. } => "digest_mismatch".to_owned(),
        Error::Refused { source, .. } => {
            let debug = format!("{source:?}");
            let variant = debug.split([' ', '(', '{']).next().unwrap_or_default();
            format!("refused:{variant}")
        }
        other => format!("unexpected: {other}"),
    }
}

/// The line an error names, if any.
fn line(error: &Error) -> Option<u64> {
    match error {
        Error::BadLine { line, .. }
        | Error::Refused { line, .. }
        | Error::DigestMismatch { line, .. } => Some(*line),
        _ => None,
    }
}

struct Case {
    file: String,
    kind: String,
    line: Option<u64>,
}

fn expected() -> TestResult<Vec<Case>> {
    let manifest = std::fs::read_to_string(corpus().join("EXPECTED"))?;
    let mut cases = Vec::new();
    for (at, row) in manifest.lines().enumerate() {
        if row.starts_with('#') || row.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = row.split('\t').collect();
        let [file, kind, line, _why] = fields[..] else {
            return Err(format!("EXPECTED:{}: not four tab-separated fields", at + 1).into());
        };
        cases.push(Case {
            file: file.to_owned(),
            kind: kind.to_owned(),
            line: if line == "-" {
                None
            } else {
                Some(line.parse()?)
            },
        });
    }
    Ok(cases)
}

#[test]
fn the_manifest_names_every_corpus_file_and_there_are_at_least_30() -> TestResult {
    let cases = expected()?;
    let mut listed: Vec<String> = cases.iter().map(|c| c.file.clone()).collect();
    listed.sort();
    let mut present = Vec::new();
    for entry in std::fs::read_dir(corpus())? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != "EXPECTED" {
            present.push(name);
        }
    }
    present.sort();
    assert_eq!(listed, present);
    assert!(cases.len() >= 30, "{} corpus files", cases.len());
    Ok(())
}

#[test]
fn every_bad_input_gives_its_expected_error_and_recovery_repairs_only_torn_tails() -> TestResult {
    let dir = std::env::temp_dir().join(format!(
        "sanctions-ledger-bad-inputs-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let mut failures = Vec::new();
    let cases = expected()?;
    for case in &cases {
        check(case, &dir, &mut failures)?;
    }
    std::fs::remove_dir_all(&dir)?;
    assert!(
        failures.is_empty(),
        "{} of {} files:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    Ok(())
}

/// Opens a copy of one corpus file, strictly then with recovery, and adds what is wrong to
/// `failures`.
fn check(case: &Case, dir: &Path, failures: &mut Vec<String>) -> TestResult {
    // A copy, because opening locks the file and recovery writes it.
    let path = dir.join(&case.file);
    let bytes = std::fs::read(corpus().join(&case.file))?;
    std::fs::write(&path, &bytes)?;

    let opened = std::panic::catch_unwind(|| LedgerFile::open(&path));
    let Ok(opened) = opened else {
        failures.push(format!("{}: panicked", case.file));
        return Ok(());
    };
    let error = match opened {
        Ok(file) => {
            failures.push(format!(
                "{}: opened with {} changes",
                case.file,
                file.ledger().len()
            ));
            return Ok(());
        }
        Err(error) => error,
    };
    if kind(&error) != case.kind || line(&error) != case.line {
        failures.push(format!(
            "{}: expected {} at line {:?}, got {} at line {:?}: {error}",
            case.file,
            case.kind,
            case.line,
            kind(&error),
            line(&error)
        ));
        return Ok(());
    }
    if case.kind.starts_with("refused:") && error.change().is_none() {
        failures.push(format!("{}: a refusal that names no change", case.file));
    }
    let message = error.to_string();
    if !message.contains(&case.file) {
        failures.push(format!(
            "{}: message does not name the file: {message}",
            case.file
        ));
    }
    if let Some(line) = case.line {
        if !message.contains(&format!(":{line}: ")) {
            failures.push(format!(
                "{}: message does not name line {line}: {message}",
                case.file
            ));
        }
    }
    if std::fs::read(&path)? != bytes {
        failures.push(format!("{}: a failed open changed the file", case.file));
    }

    let recovered = LedgerFile::options().recover(true).open(&path);
    match (case.kind.as_str(), recovered) {
        ("torn_tail", Ok(file)) => {
            let truncation = file.recovered();
            drop(file);
            let Some(truncation) = truncation else {
                failures.push(format!("{}: recovery reported no truncation", case.file));
                return Ok(());
            };
            let Error::TornTail {
                offset,
                bytes: torn,
                ..
            } = error
            else {
                return Ok(());
            };
            if (truncation.offset, truncation.bytes) != (offset, torn) {
                failures.push(format!("{}: recovery cut {truncation:?}", case.file));
            }
            if LedgerFile::open(&path).is_err() {
                failures.push(format!("{}: still bad after recovery", case.file));
            }
        }
        ("torn_tail", Err(again)) => {
            failures.push(format!("{}: recovery failed: {again}", case.file));
        }
        (_, Ok(_)) => failures.push(format!("{}: recovery hid the damage", case.file)),
        (_, Err(again)) => {
            if again != error {
                failures.push(format!(
                    "{}: recovery changed the error: {again}",
                    case.file
                ));
            }
            if std::fs::read(&path)? != bytes {
                failures.push(format!("{}: recovery changed a damaged file", case.file));
            }
        }
    }
    Ok(())
}

#[test]
fn a_misplaced_digest_member_is_named_as_such_not_as_an_unknown_field() -> TestResult {
    let dir = std::env::temp_dir().join(format!("bad-inputs-digest-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for (file, says) in [
        ("v2-crlf.jsonl", "the line ends with a carriage return"),
        (
            "v2-digest-not-last.jsonl",
            "its \"digest\" member is not the line's last 77 bytes",
        ),
    ] {
        // A copy: a failed open must not change the corpus, but the test should not rely on it.
        let copy = dir.join(file);
        std::fs::copy(corpus().join(file), &copy)?;
        let Err(error) = LedgerFile::open(&copy) else {
            return Err(format!("{file} opened").into());
        };
        let text = error.to_string();
        assert!(text.contains(says), "{file}: {text}");
        assert!(!text.starts_with("not a change"), "{file}: {text}");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
