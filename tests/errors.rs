//! Errors name what and where, once: a refused change keeps its typed rule error and its
//! position when a JSON ledger document is loaded, a wrapped refusal does not repeat its source
//! in its message, and a JSON document opened as a ledger log says what it is.

mod common;

use std::error::Error as _;

use common::*;
use sanctions_ledger::{Digest, Error, Ledger, LedgerFile, Rule};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// A fresh path in the temp dir, unique to this test process and `name`.
fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sanctions-ledger-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

/// acme registered and designated, then the designation delisted and delisted again.
fn with_second_delisting() -> serde_json::Value {
    let mut document = serde_json::to_value(acme()).expect("a ledger serialises");
    let changes = document["changes"].as_array_mut().expect("an array");
    for name in ["delist d1", "delist d1 again"] {
        let delisting = change(name, "2024-03-01", delist("d1"));
        changes.push(serde_json::to_value(delisting).expect("a change serialises"));
    }
    document
}

#[test]
fn a_json_document_loads_like_the_serde_form() -> TestResult {
    let ledger = seed();
    let text = serde_json::to_string_pretty(&ledger)?;
    assert_eq!(Ledger::from_json_str(&text)?, ledger);
    assert_eq!(Ledger::from_json_reader(text.as_bytes())?, ledger);
    assert_eq!(Ledger::from_json_str(&text)?, serde_json::from_str(&text)?);
    Ok(())
}

#[test]
fn a_refused_change_in_a_json_document_keeps_its_rule_error_and_position() {
    let text = with_second_delisting().to_string();
    let error = Ledger::from_json_str(&text).expect_err("a second delisting is refused");
    let Error::RefusedInDocument { position, source } = &error else {
        panic!("expected RefusedInDocument, got {error:?}");
    };
    assert_eq!(*position, 3, "changes[3] is the second delisting");
    assert!(matches!(**source, Error::AlreadyEnded { .. }), "{source:?}");
    assert_eq!(error.rule(), Some(Rule::AlreadyEnded));
    assert_eq!(
        error.change(),
        Some(sanctions_ledger::ChangeId::derive("delist d1 again"))
    );
    assert_eq!(
        Ledger::from_json_reader(text.as_bytes()).unwrap_err(),
        error
    );
    // Said once: the message gives the position, the source gives the rule.
    let message = error.to_string();
    assert!(message.contains("changes[3]"), "{message}");
    assert!(!message.contains(&source.to_string()), "{message}");
    assert_eq!(
        error.source().map(ToString::to_string),
        Some(source.to_string())
    );
    // Through serde the error is text, with the position and the rule's message.
    let through_serde = serde_json::from_str::<Ledger>(&text)
        .unwrap_err()
        .to_string();
    assert!(through_serde.contains("changes[3]"), "{through_serde}");
    assert!(through_serde.contains("already ended"), "{through_serde}");
}

#[test]
fn a_duplicate_id_in_a_json_document_is_placed_at_its_second_occurrence() -> TestResult {
    let mut document = serde_json::to_value(acme())?;
    let changes = document["changes"].as_array_mut().ok_or("an array")?;
    let mut conflicting = changes[0].clone();
    conflicting["effective"] = "2024-01-02".into();
    changes.push(conflicting);
    let error = Ledger::from_json_str(&document.to_string()).unwrap_err();
    assert!(
        matches!(error, Error::RefusedInDocument { position: 2, .. }),
        "{error:?}"
    );
    assert_eq!(error.rule(), Some(Rule::ConflictingChangeId));
    Ok(())
}

#[test]
fn a_conflicting_id_after_identical_copies_is_placed_at_the_conflicting_one() -> TestResult {
    // changes[0] twice (the copy is a no-op), then a third with other content: the refusal is
    // about changes[3], not the identical copy at changes[2].
    let mut document = serde_json::to_value(acme())?;
    let changes = document["changes"].as_array_mut().ok_or("an array")?;
    let copy = changes[0].clone();
    let mut conflicting = copy.clone();
    conflicting["effective"] = "2024-01-02".into();
    changes.push(copy);
    changes.push(conflicting);
    let error = Ledger::from_json_str(&document.to_string()).unwrap_err();
    assert!(
        matches!(error, Error::RefusedInDocument { position: 3, .. }),
        "{error:?}"
    );
    assert_eq!(error.rule(), Some(Rule::ConflictingChangeId));

    // Another rule broken by a change that has an identical copy later: the first is refused.
    let mut document = with_second_delisting();
    let changes = document["changes"].as_array_mut().ok_or("an array")?;
    let again = changes[3].clone();
    changes.push(again);
    let error = Ledger::from_json_str(&document.to_string()).unwrap_err();
    assert!(
        matches!(error, Error::RefusedInDocument { position: 3, .. }),
        "{error:?}"
    );

    // The same in a ledger log: the line of the conflicting change, not of the copy.
    let path = temp_path("conflict-after-copy.jsonl");
    drop(LedgerFile::create_with(&path, &acme())?);
    let mut text = std::fs::read_to_string(&path)?;
    // The first change's line without its digest, then the same change with another date,
    // each appended with its link of the digest chain (FORMAT.md), so that the rule, not the
    // digest check, refuses the second.
    let written = text.lines().nth(2).ok_or("a change line")?;
    let first = written[..written.rfind(",\"digest\"").ok_or("a digest")?].to_owned() + "}";
    let mut conflicting: serde_json::Value = serde_json::from_str(&first)?;
    conflicting["effective"] = "2024-01-02".into();
    let mut previous = LedgerFile::open(&path)?.ledger().digest();
    for json in [first, conflicting.to_string()] {
        let (appended, next) = line_with_link(previous, &json)?;
        text.push_str(&appended);
        previous = next;
    }
    let lines = text.lines().count();
    std::fs::write(&path, text)?;
    let error = LedgerFile::open(&path).unwrap_err();
    assert!(
        matches!(&error, Error::Refused { line, .. } if *line == u64::try_from(lines)?),
        "{error:?}"
    );
    assert_eq!(error.rule(), Some(Rule::ConflictingChangeId));
    std::fs::remove_file(&path)?;
    Ok(())
}

#[test]
fn a_json_document_that_is_not_one_names_the_line_and_column() {
    let unknown_kind = json(&acme()).replace("\"designate\"", "\"designat\"");
    let error = Ledger::from_json_str(&unknown_kind).unwrap_err();
    assert!(
        matches!(&error, Error::BadDocument { line: 1, column, reason }
            if *column > 1 && reason.contains("designat")),
        "{error:?}"
    );
    let error =
        Ledger::from_json_str("{\n  \"format\": \"sanctions-ledger\",\n  \"version\": 1,\n")
            .unwrap_err();
    assert!(
        matches!(error, Error::BadDocument { line: 4, .. }),
        "{error:?}"
    );
    let error =
        Ledger::from_json_str(r#"{"format": "sanctions-ledger", "version": 2, "changes": []}"#)
            .unwrap_err();
    assert!(
        matches!(&error, Error::UnsupportedFormat { version: 2, .. }),
        "{error:?}"
    );
    assert_eq!(error.rule(), None);
}

#[test]
fn a_refusal_in_a_log_file_is_said_once() -> TestResult {
    // A log whose third change repeats a delisting.
    let path = temp_path("refused.jsonl");
    let mut file = LedgerFile::create_with(&path, &acme())?;
    file.apply(change("delist d1", "2024-03-01", delist("d1")))?;
    let before = file.ledger().digest();
    drop(file);
    let again = serde_json::to_string(&change("delist d1 again", "2024-04-01", delist("d1")))?;
    // The line as a writer would append it: with its link of the digest chain (FORMAT.md),
    // so that it is the rule, not the digest check, that refuses it.
    let mut text = std::fs::read_to_string(&path)?;
    text.push_str(&line_with_link(before, &again)?.0);
    std::fs::write(&path, text)?;

    let error = LedgerFile::open(&path).unwrap_err();
    let Error::Refused { source, line, .. } = &error else {
        panic!("expected Refused, got {error:?}");
    };
    assert_eq!(
        *line, 6,
        "header, batch line, two changes, delisting, then this"
    );
    let message = error.to_string();
    assert!(message.contains(":6:"), "{message}");
    assert!(!message.contains(&source.to_string()), "{message}");
    assert_eq!(
        error.source().map(ToString::to_string),
        Some(source.to_string())
    );
    assert_eq!(error.rule(), Some(Rule::AlreadyEnded));
    std::fs::remove_file(&path)?;
    Ok(())
}

#[test]
fn a_json_document_opened_as_a_log_says_what_it_is() -> TestResult {
    let ledger = seed();
    let long = {
        let mut long = ledger.clone();
        for i in 0..6_000 {
            let name = format!("filler {i}");
            long.apply(change_at(
                &name,
                "2024-01-01",
                at("2027-01-01T00:00:00Z"),
                register(&name),
            ))?;
        }
        serde_json::to_string(&long)?
    };
    // The long document as other tools write JSON on one line: with a space after each colon
    // and comma (Python's json.dump), or with its keys sorted, `changes` first.
    let spaced = long.replace("\":", "\": ").replace(",\"", ", \"");
    let value: serde_json::Value = serde_json::from_str(&long)?;
    let sorted = format!(
        "{{\"changes\": {}, \"format\": \"sanctions-ledger\", \"version\": 1}}",
        value["changes"]
    );
    let forms = [
        ("pretty.json", serde_json::to_string_pretty(&ledger)?),
        ("compact.json", serde_json::to_string(&ledger)?),
        // A document too long for a log line (1 MiB) is still recognised.
        ("long.json", long),
        ("long-spaced.json", spaced),
        ("long-sorted.json", sorted),
    ];
    for (name, text) in forms {
        let path = temp_path(name);
        std::fs::write(&path, &text)?;
        let error = LedgerFile::open(&path).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, Error::BadHeader { .. }),
            "{name}: {error:?}"
        );
        assert!(
            message.contains("JSON ledger document"),
            "{name}: {message}"
        );
        assert!(
            message.contains("Ledger::from_json_reader"),
            "{name}: {message}"
        );
        // And the loader it points to reads it.
        let reader = std::io::BufReader::new(std::fs::File::open(&path)?);
        assert!(Ledger::from_json_reader(reader).is_ok(), "{name}");
        std::fs::remove_file(&path)?;
    }
    // A log whose header merely names the document's format is still an unsupported log.
    let path = temp_path("header-only.jsonl");
    std::fs::write(&path, "{\"format\":\"sanctions-ledger\",\"version\":1}\n")?;
    let error = LedgerFile::open(&path).unwrap_err();
    assert!(
        matches!(error, Error::UnsupportedFileFormat { .. }),
        "{error:?}"
    );
    std::fs::remove_file(&path)?;
    Ok(())
}

/// A ledger log line (version 2) for a change whose compact JSON is `json`, written after the
/// changes whose digest is `before`: the JSON with its link of the digest chain as the last
/// member, as a writer appends it (FORMAT.md), and that link.
fn line_with_link(
    before: Digest,
    json: &str,
) -> Result<(String, Digest), Box<dyn std::error::Error>> {
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    sha2::Digest::update(&mut hasher, before.as_bytes());
    sha2::Digest::update(&mut hasher, json.as_bytes());
    let link: [u8; 32] = sha2::Digest::finalize(hasher).into();
    let mut hex = String::with_capacity(64);
    for byte in link {
        std::fmt::Write::write_fmt(&mut hex, format_args!("{byte:02x}"))?;
    }
    let body = json.strip_suffix('}').ok_or("a JSON object")?;
    Ok((format!("{body},\"digest\":\"{hex}\"}}\n"), hex.parse()?))
}

#[test]
fn a_ledger_files_log_given_as_a_document_names_the_likely_cause() {
    let hint = "a ledger file's log (JSON Lines, FORMAT.md), not a ledger document: open it with \
                LedgerFile::open";
    // The seed's log, with its header, and the same lines without it.
    let log = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/belavia.jsonl"),
    )
    .unwrap();
    let headless = log.split_once('\n').map_or("", |(_, rest)| rest);
    for text in [log.as_str(), headless] {
        let error = Ledger::from_json_str(text).unwrap_err();
        assert!(
            matches!(&error, Error::BadDocument { line: 1, reason, .. } if reason.contains(hint)),
            "{error}"
        );
    }
    // A document that is only broken says nothing of logs.
    let error =
        Ledger::from_json_str(r#"{"format": "sanctions-ledger", "version": 1}"#).unwrap_err();
    assert!(
        matches!(&error, Error::BadDocument { reason, .. } if reason == "missing field `changes`"),
        "{error}"
    );
}
