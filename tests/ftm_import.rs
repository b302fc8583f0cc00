//! Reading real OpenSanctions FtM data (tests/fixtures/ftm, see its README) into a ledger, and
//! refusing broken files.

// "FtM" and "OpenSanctions" are names here, not code.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use sanctions_ledger::chrono::{DateTime, NaiveDate, Utc};
use sanctions_ledger::import::ftm::{apply_state, FtmFile, FtmImport, FtmOptions};
use sanctions_ledger::import::{ImportError, ReconcileOptions};
use sanctions_ledger::{
    Authority, Document, DocumentKind, EntityKind, Identifier, Ledger, Measure, StatusKind,
};

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test dates are valid")
}

fn recorded() -> DateTime<Utc> {
    "2026-04-30T00:00:00Z".parse().expect("valid instant")
}

fn fixture(name: &str) -> FtmFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ftm")
        .join(name);
    FtmFile::read(&path).expect("the fixture parses")
}

fn import(file: &FtmFile, options: &FtmOptions) -> (Ledger, FtmImport) {
    let mut ledger = Ledger::new();
    let reconcile = ReconcileOptions::new(recorded());
    let import = apply_state(&mut ledger, file, day("2026-04-29"), options, &reconcile)
        .expect("the fixture imports");
    (ledger, import)
}

fn list_entry(authority: Authority, id: &str) -> Identifier {
    Identifier::list_entry(authority, id)
}

#[test]
fn opensanctions_sanctions_become_designations_per_authority() {
    let file = fixture("zala.ftm.json");
    assert_eq!(file.len(), 54);
    let (ledger, import) = import(&file, &FtmOptions::new());
    let now = ledger.current();

    // LLC CST is two SDN entries that OpenSanctions merged: one entry here, both ids kept.
    let cst = now.find_by_identifier(&list_entry(Authority::US_OFAC, "45934"));
    assert_eq!(
        cst,
        now.find_by_identifier(&list_entry(Authority::US_OFAC, "45928"))
    );
    assert_eq!(cst.len(), 1);
    let facts = now.entity(cst[0]).expect("registered");
    assert_eq!(facts.kind, EntityKind::Organisation);
    assert!(facts.aliases.iter().any(|a| a == "LLC CST"));
    assert!(facts
        .identifiers
        .contains(&Identifier::Document(Document::new(
            DocumentKind::TaxId,
            "1841015504"
        ))));
    // The SDN Sanctions carry no date: observed on the file's date, "on or before".
    let on = |date| {
        now.status(cst[0], &Authority::US_OFAC, day(date))
            .map(|s| s.kind())
    };
    assert_eq!(on("2026-04-28").unwrap(), StatusKind::NotListed);
    assert_eq!(on("2026-04-29").unwrap(), StatusKind::Listed);
    let designation = now.designations_in_force(day("2026-04-29"));
    let us = designation
        .iter()
        .filter_map(|id| now.designation(*id))
        .find(|d| d.record.entity == cst[0])
        .expect("designated");
    assert_eq!(us.record.terms.programs[0].code(), "RUSSIA-EO14024");
    assert_eq!(us.record.terms.measures, [Measure::AssetFreeze]);
    let change = now.change(us.created_by).expect("visible");
    assert_eq!(
        change.window.map(|w| (w.after, w.on_or_before)),
        Some((None, day("2026-04-29")))
    );

    // The EU gives dates: listed from startDate, published on listingDate, no window.
    let zakharov = now.find_by_identifier(&list_entry(Authority::EU, "EU.12789.10"));
    assert_eq!(zakharov.len(), 1);
    assert!(!now
        .is_listed(zakharov[0], &Authority::EU, day("2025-02-23"))
        .unwrap());
    assert!(now
        .is_listed(zakharov[0], &Authority::EU, day("2025-02-24"))
        .unwrap());

    // Ukraine: the sanction that expired on 2024-10-30 is not in force; the 2024-11-12 one is.
    let ua = now.find_by_identifier(&list_entry(Authority::UA, "24076112200021"));
    assert_eq!(ua.len(), 1);
    assert!(now
        .find_by_identifier(&list_entry(Authority::UA, "21055612200016"))
        .is_empty());
    assert!(now
        .is_listed(ua[0], &Authority::UA, day("2024-11-12"))
        .unwrap());

    // UK: both the FCDO and the OFSI ids find the entry.
    let uk = now.find_by_identifier(&list_entry(Authority::UK, "RUS2051"));
    assert_eq!(
        uk,
        now.find_by_identifier(&list_entry(Authority::UK, "16271"))
    );

    // National implementations of EU lists and registers this crate has no authority for are
    // reported, not guessed.
    let skipped: Vec<&str> = import
        .skipped
        .iter()
        .map(|s| s.id.split('-').next().unwrap_or(""))
        .collect();
    for prefix in ["be", "fr", "mc", "nz", "ua", "gb", "ja", "trade"] {
        assert!(skipped.contains(&prefix), "{prefix} {skipped:?}");
    }
    assert_eq!(import.skipped.len(), 18);
    assert!(import
        .skipped
        .iter()
        .all(|s| s.reason.starts_with("no authority known by")));
}

#[test]
fn a_dataset_filter_and_authority_names_choose_what_is_read() {
    let file = fixture("zala.ftm.json");
    // SAM exclusions name their authority "OFAC": a code, so read as an authority of its own.
    let (all, _) = import(&file, &FtmOptions::new());
    assert!(all
        .current()
        .find_by_name("Aleksandr Vyacheslavovich Zakharov")
        .iter()
        .any(|e| all
            .current()
            .is_listed(*e, &Authority::new("OFAC").unwrap(), day("2026-04-29"))
            .unwrap()));

    let options = FtmOptions::new()
        .dataset("us_ofac_sdn")
        .dataset("fr_tresor_gels_avoir")
        .authority(
            "Direction Générale du Trésor",
            Authority::new("FR").unwrap(),
        );
    let (ledger, import) = import(&file, &options);
    let authorities: Vec<String> = import
        .reconciliations
        .iter()
        .map(|r| r.changes[0].source.citation.clone())
        .collect();
    assert_eq!(
        authorities,
        [
            "FR FTM list as of 2026-04-29",
            "US-OFAC FTM list as of 2026-04-29"
        ]
    );
    assert!(import.skipped.is_empty());
    // France's two Sanctions of LLC CST make one entry, under the EU reference it gives.
    let fr = ledger
        .current()
        .find_by_identifier(&list_entry(Authority::new("FR").unwrap(), "EU.10966.20"));
    assert_eq!(fr.len(), 1);
}

#[test]
fn nested_json_reads_as_the_flat_file() {
    let flat = fixture("zala.ftm.json");
    let nested = fixture("zala.nested.json");
    assert_eq!(nested.len(), flat.len());
    for (_, entity) in flat.entities() {
        let other = nested
            .get(&entity.id)
            .expect("every entity is in the nested file");
        assert_eq!(other.schema, entity.schema);
        let mut want = entity.properties.clone();
        let mut got = other.properties.clone();
        for values in want.values_mut().chain(got.values_mut()) {
            values.sort();
        }
        assert_eq!(got, want, "{}", entity.id);
    }
    let (a, _) = import(&flat, &FtmOptions::new());
    let (b, _) = import(&nested, &FtmOptions::new());
    let kinds = |l: &Ledger| -> Vec<(String, NaiveDate)> {
        let mut v: Vec<_> = l
            .changes()
            .iter()
            .map(|c| (c.kind.name().to_owned(), c.effective))
            .collect();
        v.sort();
        v
    };
    assert_eq!(kinds(&a), kinds(&b));
    // 15 designations, each with its registration.
    assert_eq!(a.len(), 30);
}

#[test]
fn reimporting_the_same_file_adds_nothing() {
    let file = fixture("zala.ftm.json");
    let (mut ledger, _) = import(&file, &FtmOptions::new());
    let len = ledger.len();
    let reconcile =
        ReconcileOptions::new(recorded() + sanctions_ledger::chrono::TimeDelta::days(1));
    let again = apply_state(
        &mut ledger,
        &file,
        day("2026-04-29"),
        &FtmOptions::new(),
        &reconcile,
    )
    .unwrap();
    assert_eq!((again.applied.appended, ledger.len()), (0, len));
}

#[test]
fn broken_files_are_refused_with_file_and_line() {
    let good = r#"{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}"#;
    let parse = |text: &str| FtmFile::parse("x.ftm.json", text.as_bytes());
    assert!(matches!(parse(""), Err(ImportError::Empty { .. })));
    assert!(matches!(parse("\n\n"), Err(ImportError::Empty { .. })));
    let cut = format!("{good}\n{}", &good[..30]);
    assert!(
        matches!(parse(&cut), Err(ImportError::Truncated { line: 2, .. })),
        "{:?}",
        parse(&cut)
    );
    for (text, line, says) in [
        (format!("{good}\nnot json\n{good}"), 2, "not a JSON object"),
        (format!("{good}\n[1, 2]"), 2, "an entity is a JSON object"),
        (format!("{good}\n{good}"), 2, "used twice"),
        (
            r#"{"id": "a", "properties": {}}"#.to_owned(),
            1,
            "string id and schema",
        ),
        (
            r#"{"id": "a", "schema": "Person", "properties": {"name": "A"}}"#.to_owned(),
            1,
            "not a list",
        ),
        (
            r#"{"id": "a", "schema": "Person", "properties": {"name": [true]}}"#.to_owned(),
            1,
            "not a string",
        ),
        (
            r#"{"id": "a", "schema": "Person", "properties": []}"#.to_owned(),
            1,
            "properties is not an object",
        ),
    ] {
        match parse(&text) {
            Err(ImportError::Malformed {
                file,
                line: l,
                what,
            }) => {
                assert_eq!((file.as_str(), l), ("x.ftm.json", line), "{text}");
                assert!(what.contains(says), "{what:?} for {text}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let latin1 = b"{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"\xe9\"]}}";
    assert!(matches!(
        FtmFile::parse("x", latin1),
        Err(ImportError::Malformed { line: 1, .. })
    ));
}

#[test]
fn sanctions_without_a_known_target_or_name_are_skipped() {
    let text = [
        r#"{"id": "s1", "schema": "Sanction", "properties": {"entity": ["missing"], "authority": ["EU"]}}"#,
        r#"{"id": "p", "schema": "Person", "properties": {"birthDate": ["1970"]}}"#,
        r#"{"id": "s2", "schema": "Sanction", "properties": {"entity": ["p"], "authority": ["EU"]}}"#,
        r#"{"id": "o", "schema": "Organization", "properties": {"name": ["O"]}}"#,
        r#"{"id": "s3", "schema": "Sanction", "properties": {"entity": ["o"], "authority": ["EU"], "provisions": ["Travel ban", "arms embargo"]}}"#,
    ]
    .join("\n");
    let file = FtmFile::parse("x.ftm.json", text.as_bytes()).unwrap();
    let (ledger, import) = import(&file, &FtmOptions::new());
    let reasons: Vec<(&str, usize, &str)> = import
        .skipped
        .iter()
        .map(|s| (s.id.as_str(), s.line, s.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("s1", 1, "its entity is not in the file"),
            ("s2", 3, "its entity p has no name")
        ]
    );
    let now = ledger.current();
    let o = now.find_by_identifier(&list_entry(Authority::EU, "o"))[0];
    let status = now.status(o, &Authority::EU, day("2026-04-29")).unwrap();
    let terms = now
        .designation_on(status.designations()[0], day("2026-04-29"))
        .unwrap()
        .terms;
    assert_eq!(
        terms.measures,
        [
            Measure::TravelBan,
            Measure::Other("arms embargo".to_owned())
        ]
    );
}

#[test]
fn sanctions_with_dates_that_cannot_be_used_as_written_are_reported() {
    let org = |id: &str| {
        format!(r#"{{"id": "{id}", "schema": "Organization", "properties": {{"name": ["{id}"]}}}}"#)
    };
    let sanction = |id: &str, entity: &str, dates: &str| {
        format!(
            r#"{{"id": "{id}", "schema": "Sanction", "properties": {{"entity": ["{entity}"], "authority": ["EU"]{dates}}}}}"#
        )
    };
    let text = [
        org("ended-first"),
        sanction(
            "s1",
            "ended-first",
            r#", "startDate": ["2024-02-01"], "endDate": ["2023-01-01"]"#,
        ),
        org("month-start"),
        sanction("s2", "month-start", r#", "startDate": ["2021-06"]"#),
        org("month-end"),
        sanction(
            "s3",
            "month-end",
            r#", "startDate": ["2020-01-01"], "endDate": ["2025"]"#,
        ),
        org("later"),
        sanction("s4", "later", r#", "startDate": ["2026-05-01"]"#),
    ]
    .join("\n");
    let file = FtmFile::parse("dates.ftm.json", text.as_bytes()).unwrap();
    let (ledger, import) = import(&file, &FtmOptions::new());
    let reasons = |found: &[sanctions_ledger::import::ftm::Skipped]| -> Vec<(String, usize)> {
        found.iter().map(|s| (s.id.clone(), s.line)).collect()
    };
    // An end before the start is not a listing at all: skipped, and said so.
    assert_eq!(reasons(&import.skipped), [("s1".to_owned(), 2)]);
    assert!(import.skipped[0].reason.contains("2023-01-01 is not after"));
    // Partial dates are read as no date (not dropped: that would look like a delisting), and a
    // start after the state's date is not in force on it; each is a warning.
    assert_eq!(
        reasons(&import.warnings),
        [
            ("s2".to_owned(), 4),
            ("s3".to_owned(), 6),
            ("s4".to_owned(), 8)
        ]
    );
    assert!(import.warnings[0]
        .reason
        .contains("startDate [\"2021-06\"]"));
    assert!(import.warnings[1].reason.contains("read as not ended"));
    assert!(import.warnings[2]
        .reason
        .contains("2026-05-01 is after 2026-04-29"));
    let now = ledger.current();
    let status = |id: &str| {
        let found = now.find_by_identifier(&list_entry(Authority::EU, id));
        match found.first() {
            Some(&entity) => now
                .status(entity, &Authority::EU, day("2026-04-29"))
                .unwrap()
                .kind(),
            None => StatusKind::NotListed,
        }
    };
    assert_eq!(status("ended-first"), StatusKind::NotListed);
    assert_eq!(status("month-start"), StatusKind::Listed);
    assert_eq!(status("month-end"), StatusKind::Listed);
    assert_eq!(status("later"), StatusKind::NotListed);
}

#[test]
fn a_history_skips_and_names_sanctions_without_a_full_start_date() {
    let text = [
        r#"{"id": "o1", "schema": "Organization", "properties": {"name": ["Dated"]}}"#,
        r#"{"id": "s1", "schema": "Sanction", "properties": {"entity": ["o1"], "authority": ["EU"], "startDate": ["2023-02-24"]}}"#,
        r#"{"id": "o2", "schema": "Organization", "properties": {"name": ["Impossible day"]}}"#,
        r#"{"id": "s2", "schema": "Sanction", "properties": {"entity": ["o2"], "authority": ["EU"], "startDate": ["2023-02-30"]}}"#,
        r#"{"id": "o3", "schema": "Organization", "properties": {"name": ["Undated"]}}"#,
        r#"{"id": "s3", "schema": "Sanction", "properties": {"entity": ["o3"], "authority": ["EU"]}}"#,
    ]
    .join("\n");
    let file = FtmFile::parse("history.ftm.json", text.as_bytes()).unwrap();
    let mut ledger = Ledger::new();
    let import = sanctions_ledger::import::ftm::apply_history(
        &mut ledger,
        &file,
        &FtmOptions::new(),
        recorded(),
    )
    .unwrap();
    // Neither is silently left out, nor reported as imported: a history places each listing
    // by its own start date.
    let skipped: Vec<(&str, usize)> = import
        .skipped
        .iter()
        .map(|s| (s.id.as_str(), s.line))
        .collect();
    assert_eq!(skipped, [("s2", 4), ("s3", 6)]);
    assert!(import.skipped[0].reason.contains("2023-02-30"));
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    let now = ledger.current();
    let dated = now.find_by_identifier(&list_entry(Authority::EU, "s1"));
    let dated = dated
        .first()
        .copied()
        .or_else(|| now.find_by_name("Dated").first().copied());
    let dated = dated.expect("the dated Sanction is imported");
    assert!(now
        .is_listed(dated, &Authority::EU, day("2023-02-24"))
        .unwrap());
    assert!(now.find_by_name("Undated").is_empty());
}
