//! Regression tests of issue 10, "a broken or odd official file never becomes false
//! delistings": one test (or a few) per kind of input, each on its small fixture.

use std::path::PathBuf;

use sanctions_ledger::chrono::{DateTime, NaiveDate, Utc};
use sanctions_ledger::import::ofac::{self, ParseOptions, SdnFiles};
use sanctions_ledger::import::{
    apply_snapshot, ImportError, ReconcileOptions, Reconciliation, Snapshot, WarningKind,
};
use sanctions_ledger::{Authority, Identifier, Ledger};

fn fixture(path: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The ledger learns of a snapshot at noon on its date.
fn noon(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(12, 0, 0).expect("valid time").and_utc()
}

fn import(ledger: &mut Ledger, snapshot: &Snapshot) -> Result<Reconciliation, ImportError> {
    apply_snapshot(
        ledger,
        snapshot,
        &ReconcileOptions::new(noon(snapshot.date())),
    )
    .map(|(found, _)| found)
}

fn ofac_listed(ledger: &Ledger, ent: &str, date: NaiveDate) -> bool {
    let now = ledger.current();
    let found = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, ent));
    assert_eq!(found.len(), 1, "ent_num {ent}");
    now.is_listed(found[0], &Authority::US_OFAC, date)
        .expect("the entity is known")
}

// Kind 1: a file cut at a record boundary.

const CUBA13: &str = "ofac/sdn_cuba13_2023-08-03.csv";
const CUBA12_CUT: &str = "ofac/sdn_cuba12_cut_2023-08-09.csv";

#[test]
fn kind1_a_file_cut_at_a_record_boundary_is_refused_not_delisted() {
    let mut ledger = Ledger::new();
    let full = fixture(CUBA13);
    let first = SdnFiles::new("sdn_2023-08-03.csv", &full)
        .parse(day(2023, 8, 3))
        .expect("a complete file");
    assert_eq!(first.len(), 13);
    assert!(first.warnings().is_empty());
    import(&mut ledger, &first).expect("applies");
    let len = ledger.len();

    // The same file's first 12 rows, without the 0x1A byte: every row is complete.
    let cut = fixture(CUBA12_CUT);
    assert!(cut.ends_with(b"\r\n"));
    let err = SdnFiles::new("sdn_2023-08-09.csv", &cut)
        .parse(day(2023, 8, 9))
        .expect_err("a cut file");
    assert!(
        matches!(&err, ImportError::Unterminated { file, line: 13 } if file == "sdn_2023-08-09.csv"),
        "{err}"
    );
    assert!(err.is_cut_short());
    assert_eq!(
        err.to_string(),
        "sdn_2023-08-09.csv line 13: the file ends after a complete record but without the 0x1A \
         byte that ends every OFAC CSV file; it looks cut short (allow unterminated files only \
         for hand-made ones)"
    );
    // Nothing was delisted: the 13th entry is still listed on the cut file's date.
    assert_eq!(ledger.len(), len);
    assert!(ofac_listed(&ledger, "555", day(2023, 8, 9)));

    // A caller who knows the file is hand-made can read it, with a warning.
    let hand_made = SdnFiles::new("mine.csv", &cut)
        .with_options(ParseOptions::new().allow_unterminated())
        .parse(day(2023, 8, 9))
        .expect("allowed");
    assert_eq!(hand_made.len(), 12);
    let [warning] = hand_made.warnings() else {
        panic!("{:?}", hand_made.warnings())
    };
    assert_eq!(
        (warning.file.as_str(), warning.line, &warning.kind),
        ("mine.csv", 13, &WarningKind::Unterminated)
    );
}

#[test]
fn kind1_companion_rows_of_entries_the_main_file_lacks_are_evidence_of_a_cut() {
    // A main file that lost its last row but ends with the end byte (a tool appended it, or it
    // is of an older publication than its companions): the companions still name entry 555.
    let mut short = fixture(CUBA12_CUT);
    short.push(0x1a);
    let (add, alt) = (
        fixture("ofac/add_cuba13_2025-01-03.csv"),
        fixture("ofac/alt_cuba13_2025-01-03.csv"),
    );
    let files = SdnFiles::new("sdn.csv", &short)
        .with_addresses("add.csv", &add)
        .with_aliases("alt.csv", &alt);
    let err = files.parse(day(2025, 1, 3)).expect_err("evidence of a cut");
    let ImportError::MissingEntries {
        file,
        companion,
        companion_line,
        entry,
        rows,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (file.as_str(), companion.as_str(), entry.as_str(), *rows),
        ("sdn.csv", "add.csv", "555", 1)
    );
    let add_line = add
        .split(|&b| b == b'\n')
        .position(|l| l.starts_with(b"555,"))
        .expect("a row of 555")
        + 1;
    assert_eq!(*companion_line, add_line);
    assert!(err.is_cut_short());
    assert!(err.to_string().starts_with(&format!(
        "add.csv line {add_line} names ent_num 555, which sdn.csv does not hold"
    )));

    // With the full main file the same companions match every row.
    let full = fixture(CUBA13);
    let snapshot = SdnFiles::new("sdn.csv", &full)
        .with_addresses("add.csv", &add)
        .with_aliases("alt.csv", &alt)
        .parse(day(2025, 1, 3))
        .expect("matching files");
    let coprova = &snapshot.get("555").expect("555").entity;
    assert_eq!(coprova.aliases, ["COPROVA", "COPROVA SARL"]);

    // A hand-made subset may leave the rows out, each with a warning.
    let subset = files
        .with_options(ParseOptions::new().allow_unmatched_companion_rows())
        .parse(day(2025, 1, 3))
        .expect("allowed");
    let unmatched: Vec<(&str, usize)> = subset
        .warnings()
        .iter()
        .filter(
            |w| matches!(&w.kind, WarningKind::UnmatchedCompanionRow { entry } if entry == "555"),
        )
        .map(|w| (w.file.as_str(), w.line))
        .collect();
    assert_eq!(unmatched.len(), 3, "{unmatched:?}"); // one address, two aliases
    assert_eq!(unmatched[0], ("add.csv", add_line));
}

// Kind 10: a file of another type given to the OFAC parser.

#[test]
fn kind10_other_file_types_are_named_not_called_truncated() {
    let un = fixture("un/un_consolidated_2018-10-29.xml");
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00 a zip archive's first bytes";
    let garbage: Vec<u8> = (0u8..=255).cycle().skip(7).take(3000).collect();
    let header = b"ent_num,SDN_Name,SDN_Type,Program\r\n36,\"A\",-0- ,\"CUBA\"\r\n\x1a";
    let html = b"<!DOCTYPE html><html><body>Access denied</body></html>";
    for (input, says) in [
        (&un[..], "it is the UN Security Council consolidated list"),
        (zip, "it is a ZIP archive"),
        (&garbage, "it holds binary data"),
        (
            header,
            "does not start with an ent_num and a comma (a header row?)",
        ),
        (html, "XML or HTML"),
    ] {
        let err = SdnFiles::new("sdn.csv", input)
            .parse(day(2025, 1, 1))
            .expect_err(says);
        assert!(
            matches!(err, ImportError::WrongFormat { .. }),
            "{says}: {err}"
        );
        let text = err.to_string();
        assert!(
            text.starts_with("sdn.csv is not an OFAC legacy CSV file: ") && text.contains(says),
            "{text}"
        );
        assert!(!err.is_cut_short());
    }
    // Re-saved by another program: a byte-order mark, or UTF-16 text, is named as such (it was
    // "a header row?" and "binary data"); blank lines only are an empty file, not a cut one.
    let full = fixture(CUBA13);
    let with_bom = [&b"\xEF\xBB\xBF"[..], &full].concat();
    let utf16 = |bom: &[u8]| -> Vec<u8> {
        let text: String = full.iter().map(|&b| char::from(b)).collect();
        let units = text.encode_utf16().flat_map(u16::to_le_bytes);
        bom.iter().copied().chain(units).collect()
    };
    for (input, says) in [
        (
            with_bom,
            "it is UTF-8 (it starts with a byte-order mark) text",
        ),
        (
            utf16(b"\xFF\xFE"),
            "it is UTF-16 little-endian (it starts with a byte-order mark) text",
        ),
        (utf16(b""), "it is UTF-16 little-endian text"),
    ] {
        let err = SdnFiles::new("sdn.csv", &input)
            .parse(day(2025, 1, 1))
            .expect_err(says);
        assert!(
            matches!(&err, ImportError::WrongFormat { found, .. } if found.starts_with(says)),
            "{says}: {err}"
        );
    }
    for blank in [&b"   \r\n  "[..], b" \r\n \x1a", b"\r\n\r\n\x1a"] {
        let err = SdnFiles::new("sdn.csv", blank)
            .parse(day(2025, 1, 1))
            .expect_err("blank");
        assert!(matches!(err, ImportError::Empty { .. }), "{blank:?}: {err}");
    }

    // The same checks hold for companion files.
    let err = SdnFiles::new("sdn.csv", &full)
        .with_aliases("alt.csv", &un)
        .parse(day(2025, 1, 1))
        .expect_err("XML as alt.csv");
    assert!(
        matches!(&err, ImportError::WrongFormat { file, .. } if file == "alt.csv"),
        "{err}"
    );
}

#[test]
fn kind10_read_sdn_names_the_path() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/un/un_consolidated_2018-08-24.xml");
    let err = ofac::read_sdn(&path, day(2018, 8, 24)).expect_err("XML");
    assert_eq!(err.file(), Some(path.display().to_string().as_str()));
    assert!(matches!(err, ImportError::WrongFormat { .. }), "{err}");
}

// Kind 2: an empty or cut companion file, and the guard on mass amendments.

#[test]
fn kind2_empty_or_cut_companions_are_refused_like_an_empty_sdn_csv() {
    let sdn = fixture(CUBA13);
    let alt = fixture("ofac/alt_cuba13_2025-01-03.csv");
    let parse = |alt: &[u8]| {
        SdnFiles::new("sdn.csv", &sdn)
            .with_aliases("alt.csv", alt)
            .parse(day(2025, 1, 3))
    };
    assert!(parse(&alt).is_ok());
    for (companion, expected) in [
        (&b""[..], "empty"),
        (b"\x1a", "empty"),
        (b"\r\n\x1a", "empty"),
        (&alt[..alt.len() - 1], "unterminated"),
        (&alt[..alt.len() / 2], "truncated"),
    ] {
        let err = parse(companion).expect_err(expected);
        let kind = match err {
            ImportError::Empty { .. } => "empty",
            ImportError::Unterminated { .. } => "unterminated",
            ImportError::Truncated { .. } => "truncated",
            _ => "other",
        };
        assert_eq!((kind, err.file()), (expected, Some("alt.csv")), "{err}");
    }
}

#[test]
fn kind2_a_snapshot_that_amends_a_large_share_is_refused_unless_allowed() {
    let sdn = fixture(CUBA13);
    let alt = fixture("ofac/alt_cuba13_2025-01-03.csv");
    let mut ledger = Ledger::new();
    let with_aliases = SdnFiles::new("sdn_2025-01-03.csv", &sdn)
        .with_aliases("alt_2025-01-03.csv", &alt)
        .parse(day(2025, 1, 3))
        .expect("parses");
    import(&mut ledger, &with_aliases).expect("applies");
    let len = ledger.len();

    // The next day the caller forgets alt.csv: 6 of the 13 entries would lose their aliases.
    let date = day(2025, 1, 4);
    let without = SdnFiles::new("sdn_2025-01-04.csv", &sdn)
        .parse(date)
        .expect("parses");
    let err = import(&mut ledger, &without).expect_err("mass amendment");
    let ImportError::TooManyAmendments {
        amended, in_force, ..
    } = err
    else {
        panic!("{err}")
    };
    assert_eq!((amended, in_force), (6, 13));
    assert!(
        err.to_string()
            .starts_with("sdn_2025-01-04.csv would amend 6 of the 13 entries in force on 2025-01-04 (46.2%), more than the 10.0% allowed"),
        "{err}"
    );
    assert_eq!(ledger.len(), len);

    // The share is the caller's to set, and a real mass amendment the caller's to allow.
    let options = ReconcileOptions::new(noon(date));
    assert!(apply_snapshot(&mut ledger, &without, &options.max_amend_share(0.5)).is_ok());
    let mut other = Ledger::new();
    import(&mut other, &with_aliases).expect("applies");
    let (found, _) =
        apply_snapshot(&mut other, &without, &options.allow_mass_amendment()).expect("allowed");
    assert_eq!(found.amendments(), 6);
}

// Kind 6: bare quotes inside quoted fields.

#[test]
fn kind6_bare_quotes_are_read_with_a_warning_naming_file_and_line() {
    let sdn = fixture("ofac/sdn_bare_quote_2025-05-16.csv");
    let comments = fixture("ofac/sdn_comments_bare_quote_2025-05-16.csv");
    let snapshot = SdnFiles::new("sdn.csv", &sdn)
        .with_comments("sdn_comments.csv", &comments)
        .parse(day(2025, 5, 16))
        .expect("read tolerantly");
    // Every record is read, none skipped.
    assert_eq!(snapshot.len(), 3);
    let warnings: Vec<(&str, usize, &WarningKind)> = snapshot
        .warnings()
        .iter()
        .map(|w| (w.file.as_str(), w.line, &w.kind))
        .collect();
    assert_eq!(
        warnings,
        [
            ("sdn.csv", 2, &WarningKind::BareQuote),
            ("sdn_comments.csv", 1, &WarningKind::BareQuote),
            // The invented remark's `Linked To:` names no entry of the file.
            (
                "sdn.csv",
                3,
                &WarningKind::RelationUnresolved {
                    entry: "99102".into(),
                    relation: sanctions_ledger::RelationKind::LinkedTo,
                    name: "EXAMPLE GROUP.".into(),
                    matches: 0
                }
            )
        ]
    );
    let invento = &snapshot.get("99101").expect("99101").entity;
    assert!(invento.details["remarks"].contains("a.k.a. \"EL INVENTADO\"; nationality Mexico"));
    assert_eq!(invento.aliases, ["EL INVENTADO"]);
    let muestra = &snapshot.get("99102").expect("99102").entity;
    assert!(muestra.details["remarks"].ends_with(
        "Linked To: EXAMPLE GROUP.; a.k.a. \"nickname1\"; a.k.a. \"nickname2\"; Passport X0000001 (Mexico)."
    ));
    assert_eq!(muestra.aliases, ["nickname1", "nickname2"]);

    // The warnings reach the reconciliation, for the caller to log.
    let mut ledger = Ledger::new();
    let found = import(&mut ledger, &snapshot).expect("applies");
    assert_eq!(found.warnings, snapshot.warnings());
}

/// Made-up SDN rows (every name, date and remark invented) in OFAC's layout.
fn made_up_sdn(rows: &[&str]) -> Vec<u8> {
    let mut file = Vec::new();
    for row in rows {
        file.extend_from_slice(row.as_bytes());
        file.extend_from_slice(b"\r\n");
    }
    file.push(0x1a);
    file
}

const PERSON_ENDING_IN_A_NICKNAME: &str = "99301,\"EXAMPLO, Maria\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 01 Jan 1970; a.k.a. \"LA INVENTADA\"\"";
const NEXT_ORGANISATION: &str = "99302,\"EXAMPLE FRONT COMPANY S.A.\",-0- ,\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Linked To: EXAMPLO, Maria.\"";
const LAST_ORGANISATION: &str =
    "99303,\"EXAMPLE HOLDINGS LTD.\",-0- ,\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ";

#[test]
fn kind6_a_bare_quote_ending_a_remark_does_not_swallow_the_next_records() {
    // `""` before the line break is a bare quote and the closing one: read as an escaped quote
    // it carried the remark on into the next records, which vanished (two false delistings,
    // under the 10% guard, with only a bare-quote warning).
    let clean = made_up_sdn(&[
        &PERSON_ENDING_IN_A_NICKNAME.replace(" a.k.a. \"LA INVENTADA\"\"", "\""),
        NEXT_ORGANISATION,
        LAST_ORGANISATION,
    ]);
    let mut ledger = Ledger::new();
    let first = SdnFiles::new("sdn_2025-05-15.csv", &clean)
        .parse(day(2025, 5, 15))
        .expect("a clean file");
    import(&mut ledger, &first).expect("applies");

    let defective = made_up_sdn(&[
        PERSON_ENDING_IN_A_NICKNAME,
        NEXT_ORGANISATION,
        LAST_ORGANISATION,
    ]);
    let second = SdnFiles::new("sdn_2025-05-16.csv", &defective)
        .parse(day(2025, 5, 16))
        .expect("read tolerantly");
    assert_eq!(second.len(), 3, "no record swallowed");
    let person = &second.get("99301").expect("99301").entity;
    assert_eq!(
        person.details["remarks"],
        "DOB 01 Jan 1970; a.k.a. \"LA INVENTADA\""
    );
    assert_eq!(person.aliases, ["LA INVENTADA"]);
    assert_eq!(
        second
            .get("99302")
            .map(|e| e.entity.details["remarks"].as_str()),
        Some("Linked To: EXAMPLO, Maria.")
    );
    let warnings: Vec<(usize, &WarningKind)> = second
        .warnings()
        .iter()
        .map(|w| (w.line, &w.kind))
        .collect();
    assert_eq!(warnings, [(1, &WarningKind::BareQuote)]);
    let found = apply_snapshot(
        &mut ledger,
        &second,
        &ReconcileOptions::new(noon(second.date())).allow_mass_amendment(),
    )
    .expect("applies")
    .0;
    assert_eq!(
        (found.designations(), found.delistings(), found.amendments()),
        (0, 0, 1)
    );
    assert!(ofac_listed(&ledger, "99302", day(2025, 5, 16)));
    assert!(ofac_listed(&ledger, "99303", day(2025, 5, 16)));

    // The same in the remark overflow file: the next row's overflow stays its own.
    let sdn = made_up_sdn(&[
        "99304,\"EXAMPLO, Juan\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1971; \"",
        "99305,\"EXAMPLO, Pedro\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1972; \"",
    ]);
    let comments = made_up_sdn(&[
        "99304,\"a.k.a. \"EL EJEMPLO\"\"",
        "99305,\"a.k.a. 'PEDRITO'.\"",
    ]);
    let snapshot = SdnFiles::new("sdn.csv", &sdn)
        .with_comments("sdn_comments.csv", &comments)
        .parse(day(2025, 5, 16))
        .expect("read tolerantly");
    let alias = |ent| snapshot.get(ent).map(|e| e.entity.aliases.clone());
    assert_eq!(alias("99304"), Some(vec!["EL EJEMPLO".to_owned()]));
    assert_eq!(alias("99305"), Some(vec!["PEDRITO".to_owned()]));
}

#[test]
fn kind6_an_unbalanced_quote_that_runs_into_the_next_record_is_refused() {
    // A remark whose closing quote is missing after a bare one would merge the records after
    // it into the remark: refused with the line, never read as a shorter list.
    let sdn = made_up_sdn(&[
        "99306,\"EXAMPLO, Ana\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. \"LA OTRA\" ",
        NEXT_ORGANISATION,
        LAST_ORGANISATION,
    ]);
    let err = SdnFiles::new("sdn.csv", &sdn)
        .parse(day(2025, 5, 16))
        .map(|_| ())
        .expect_err("an unbalanced quote");
    assert!(
        matches!(&err, ImportError::Malformed { file, line: 1, what }
            if file == "sdn.csv" && what.contains("runs on into line 2")),
        "{err}"
    );

    // A companion of another layout (add.csv given as alt.csv) is no longer called truncated.
    let add = made_up_sdn(&[
        "99302,1,\"1 Calle Inventada\",\"Ciudad Ejemplo\",\"Mexico\",-0- ",
        "99303,2,\"2 Calle Inventada\",\"Ciudad Ejemplo\",\"Mexico\",-0- ",
    ]);
    let both = made_up_sdn(&[NEXT_ORGANISATION, LAST_ORGANISATION]);
    let err = SdnFiles::new("sdn.csv", &both)
        .with_aliases("alt.csv", &add)
        .parse(day(2025, 5, 16))
        .map(|_| ())
        .expect_err("not an alias file");
    assert!(!err.is_cut_short(), "{err}");
    assert_eq!((err.file(), err.line()), (Some("alt.csv"), Some(1)));
}

// Kind 5: remarks split into sdn_comments.csv.

#[test]
fn kind5_remarks_split_at_a_space_join_into_the_words_they_were() {
    let sdn = fixture("ofac/sdn_split_remarks_2025-05-16.csv");
    let comments = fixture("ofac/sdn_comments_split_remarks_2025-05-16.csv");
    let snapshot = SdnFiles::new("sdn.csv", &sdn)
        .with_comments("sdn_comments.csv", &comments)
        .parse(day(2025, 5, 16))
        .expect("parses");

    // 99201: the first 1,000 characters end with "; a.k.a.", the rest starts with a space.
    let carlos = &snapshot.get("99201").expect("99201").entity;
    let remarks = &carlos.details["remarks"];
    assert!(
        remarks.contains("; a.k.a. 'EXAMPLE ALIAS'; Linked To: EXAMPLE GROUP."),
        "{remarks}"
    );
    assert_eq!(carlos.aliases, ["EXAMPLE ALIAS"]);

    // 99202: "alt. Digital" + " Currency Address - XBT ..." reads "Digital Currency".
    let trading = &snapshot.get("99202").expect("99202").entity;
    let remarks = &trading.details["remarks"];
    assert!(
        remarks.contains("; alt. Digital Currency Address - XBT 1ExampLeAddressNotReaL0000000002;"),
        "{remarks}"
    );
    assert!(!remarks.contains("DigitalCurrency"));

    // Without the overflow file the remark is its first 1,000 characters, and no alias.
    let alone = SdnFiles::new("sdn.csv", &sdn)
        .parse(day(2025, 5, 16))
        .expect("parses");
    let carlos = &alone.get("99201").expect("99201").entity;
    assert_eq!(carlos.details["remarks"].chars().count(), 1000);
    assert!(carlos.aliases.is_empty());
}

// Kind 7: IMO company numbers are not ship numbers; other identifiers in the remarks.

#[test]
fn kind7_imo_company_numbers_and_documents_in_remarks_are_typed_and_found() {
    use sanctions_ledger::{Country, Document, DocumentKind, ImoCompanyNumber, ImoNumber};

    let data = fixture("ofac/sdn_identifiers_2024-05-03.csv");
    let snapshot = SdnFiles::new("sdn_2024-05-03.csv", &data)
        .parse(day(2024, 5, 3))
        .expect("parses");
    let mut ledger = Ledger::new();
    import(&mut ledger, &snapshot).expect("applies");
    let now = ledger.current();
    let find = |identifier: Identifier| -> Vec<String> {
        now.find_by_identifier(&identifier)
            .into_iter()
            .map(|e| now.entity(e).expect("known").name.clone())
            .collect()
    };
    let country = |code: &str| Country::new(code).expect("code");

    // "IMO 5305560" on the shipping company is its company number, never a ship's, although
    // 5305560 happens to pass the ship check digit; "IMO 9339301" on its tanker is the ship's.
    let company = ImoCompanyNumber::new("5305560").expect("seven digits");
    assert_eq!(
        find(Identifier::ImoCompany(company)),
        ["NS LEADER SHIPPING INCORPORATED"]
    );
    let as_ship = ImoNumber::new("5305560").expect("a valid ship number too");
    assert!(find(Identifier::Imo(as_ship)).is_empty());
    let ship = ImoNumber::new("9339301").expect("valid");
    assert_eq!(find(Identifier::Imo(ship)), ["NS LEADER"]);

    let document = |kind, number: &str| Identifier::Document(Document::new(kind, number));
    for (identifier, holder) in [
        (
            document(DocumentKind::Registration, "C-109156"),
            "NS LEADER SHIPPING INCORPORATED",
        ),
        (
            document(DocumentKind::Passport, "003308607"),
            "JABER, Ayman",
        ),
        (document(DocumentKind::NationalId, "J006985970"), "MINERVEN"),
        (
            document(DocumentKind::TaxId, "25735349"),
            "MEHRAN PAPER MILL",
        ),
        (
            document(DocumentKind::NationalId, "1625525"),
            "ECHEVERRY HERRERA, Hernando",
        ),
        (
            Identifier::DigitalCurrencyAddress {
                currency: "XBT".into(),
                address: "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C".into(),
            },
            "FAYZIMATOV, Farrukh Furkatovitch",
        ),
        (Identifier::AircraftSerial("UE-236".into()), "YV2763"),
    ] {
        assert_eq!(find(identifier.clone()), [holder], "{identifier:?}");
    }
    // The document keeps the label and country as written.
    let mill = &snapshot.get("17355").expect("17355").entity;
    assert!(mill.identifiers.contains(&Identifier::Document(
        Document::new(DocumentKind::TaxId, "25735349")
            .with_scheme("Tax ID No.")
            .with_country(country("PK"))
    )));
}

// Kind 8: OFAC's non-SDN Consolidated list is its own publication, restricted, not blocked.

#[test]
fn kind8_the_consolidated_list_is_its_own_list_and_delists_nothing_on_the_sdn_list() {
    use sanctions_ledger::import::ofac::{ConsolidatedFiles, CONSOLIDATED_LIST};
    use sanctions_ledger::Measure;

    let cons = fixture("ofac/cons_prim_2025-12-19.csv");
    let date = day(2025, 12, 19);
    let snapshot = ConsolidatedFiles::new("cons_prim.csv", &cons)
        .parse(date)
        .expect("parses");
    assert_eq!(snapshot.list(), CONSOLIDATED_LIST);
    // Only 19993's `Linked To: BM BANK JSC.`, an SDN entry that is not in this file.
    assert!(
        snapshot.warnings().iter().all(|w| matches!(
            &w.kind,
            WarningKind::RelationUnresolved { entry, matches: 0, .. } if entry == "19993"
        )),
        "{:?}",
        snapshot.warnings()
    );
    let lists: Vec<(&str, &str, &[Measure])> = snapshot
        .entries()
        .map(|e| {
            let list = e.list.as_ref().map_or("", sanctions_ledger::List::code);
            (e.id.as_str(), list, e.measures.as_slice())
        })
        .collect();
    let reject = Measure::Other("reject: transactions refused, property not blocked".into());
    let (sectoral, ban) = (&[Measure::Sectoral][..], &[Measure::InvestmentBan][..]);
    assert_eq!(
        lists,
        [
            ("15268", "CAPTA", sectoral),
            ("17145", "SSI", sectoral),
            ("19993", "SSI", sectoral),
            ("27016", "NS-MBS", sectoral),
            ("33091", "NS-CMIC", ban),
            ("33893", "NS-CMIC", ban),
            ("34578", "NS-MBS", sectoral),
            ("9659", "NS-PLC", &[reject.clone()][..]),
            ("9713", "NS-PLC", &[reject.clone()][..]),
            ("9714", "NS-PLC", &[reject][..]),
        ]
    );
    assert!(snapshot
        .entries()
        .all(|e| !e.measures.contains(&Measure::AssetFreeze)));

    // The same day's SDN list holds 9659 too (SDGT] [NS-PLC): its own entity and designation.
    let sdn_bytes = fixture("ofac/sdn_plc_2024-05-03.csv");
    let sdn = SdnFiles::new("sdn.csv", &sdn_bytes)
        .parse(date)
        .expect("parses");
    assert_ne!(sdn.entity_id("9659"), snapshot.entity_id("9659"));
    assert_ne!(
        sdn.designation_id("9659", date),
        snapshot.designation_id("9659", date)
    );
    let mut ledger = Ledger::new();
    import(&mut ledger, &sdn).expect("applies");
    let found = import(&mut ledger, &snapshot).expect("applies");
    assert_eq!(
        (found.designations(), found.delistings(), found.amendments()),
        (10, 0, 0)
    );
    assert_eq!(found.in_force_before, 0);
    // Importing the SDN list again afterwards finds nothing to do either way.
    let again = apply_snapshot(
        &mut ledger,
        &sdn,
        &ReconcileOptions::new(noon(date) + sanctions_ledger::chrono::TimeDelta::hours(1)),
    )
    .expect("applies")
    .0;
    assert!(again.is_empty(), "{:?}", again.report);
    let now = ledger.current();
    let holders = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "9659"));
    assert_eq!(holders.len(), 2, "one entity per list until linked");
    for entity in holders {
        assert!(now
            .is_listed(entity, &Authority::US_OFAC, date)
            .expect("the entity is known"));
    }
}

#[test]
fn kind8_each_publication_refuses_the_others_file() {
    use sanctions_ledger::import::ofac::ConsolidatedFiles;

    let cons = fixture("ofac/cons_prim_2025-12-19.csv");
    let err = SdnFiles::new("sdn.csv", &cons)
        .parse(day(2025, 12, 19))
        .expect_err("not the SDN list");
    assert!(matches!(err, ImportError::WrongFormat { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "sdn.csv is not OFAC's SDN list: line 2 lists only programs of non-SDN lists (NS-PLC): \
         it looks like OFAC's non-SDN Consolidated list (cons_prim.csv), which \
         ofac::ConsolidatedFiles reads"
    );

    let sdn = fixture("ofac/sdn_2023-08-09.csv");
    let err = ConsolidatedFiles::new("cons_prim.csv", &sdn)
        .parse(day(2023, 8, 9))
        .expect_err("not the Consolidated list");
    assert!(matches!(err, ImportError::WrongFormat { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("cons_prim.csv is not OFAC's non-SDN Consolidated list: "),
        "{err}"
    );
}

// Kind 3: a re-listed entry is not back-dated to before a snapshot that did not contain it.

#[test]
fn kind3_a_relisting_with_its_old_listed_on_is_not_backdated_before_an_earlier_snapshot() {
    use sanctions_ledger::import::{un, Outcome};
    use sanctions_ledger::{ChangeKind, ObservationWindow};

    let (a, b) = (
        fixture("un/un_relisting_2018-10-29.xml"),
        fixture("un/un_relisting_2026-02-27.xml"),
    );
    let first = un::parse("un_2018-10-29.xml", &a).expect("parses");
    let second = un::parse("un_2026-02-27.xml", &b).expect("parses");
    let iri002 = second.get("IRi.002").expect("IRi.002");
    assert_eq!(iri002.listed_on, Some(day(2006, 12, 23)));

    let mut ledger = Ledger::new();
    import(&mut ledger, &first).expect("applies");
    let found = import(&mut ledger, &second).expect("applies");
    let report = found
        .report
        .iter()
        .find(|r| r.id == "IRi.002")
        .expect("IRi.002 is designated");
    let (a_date, b_date) = (day(2018, 10, 29), day(2026, 2, 27));
    let window = Some(ObservationWindow::new(Some(a_date), b_date));
    assert!(
        matches!(report.outcome, Outcome::Designated { effective, window: w, .. } if effective == b_date && w == window),
        "{report:?}"
    );
    // The file's date stays on the change as the source's claim.
    let designate = found
        .changes
        .iter()
        .find(|c| matches!(c.kind, ChangeKind::Designate { .. }))
        .expect("a designation");
    assert_eq!(
        (designate.effective, designate.published, designate.window),
        (b_date, Some(day(2006, 12, 23)), window)
    );
    // Not listed on the date of the ledger's own snapshot that did not hold it.
    let now = ledger.current();
    let entity = now.find_by_identifier(&Identifier::list_entry(Authority::UN, "IRi.002"));
    assert!(!now
        .is_listed(entity[0], &Authority::UN, a_date)
        .expect("the entity is known"));
    assert!(!now
        .is_listed(entity[0], &Authority::UN, day(2026, 2, 26))
        .expect("the entity is known"));
    assert!(now
        .is_listed(entity[0], &Authority::UN, b_date)
        .expect("the entity is known"));

    // With no earlier snapshot in the ledger, the list's date is all there is: it is used.
    let mut fresh = Ledger::new();
    let found = import(&mut fresh, &second).expect("applies");
    let report = found
        .report
        .iter()
        .find(|r| r.id == "IRi.002")
        .expect("designated");
    assert_eq!(report.outcome.effective(), day(2006, 12, 23));
    assert_eq!(report.outcome.window(), None);
}

// Kind 4: two snapshots of one list on one date.

/// Parses `ofac/sameday/<name>` as a snapshot on `date`.
fn sameday(name: &str, date: NaiveDate) -> Snapshot {
    let content = fixture(&format!("ofac/sameday/{name}"));
    SdnFiles::new(name, &content).parse(date).expect("parses")
}

/// Imports `snapshot` recorded `minute` minutes after noon on its date.
fn import_at(
    ledger: &mut Ledger,
    snapshot: &Snapshot,
    minute: i64,
) -> Result<Reconciliation, ImportError> {
    let recorded = noon(snapshot.date()) + sanctions_ledger::chrono::TimeDelta::minutes(minute);
    apply_snapshot(ledger, snapshot, &ReconcileOptions::new(recorded)).map(|(found, _)| found)
}

#[test]
fn kind4_a_later_capture_that_drops_an_entry_designated_that_day_is_refused_not_in_sync() {
    let (d1, d2) = (day(2023, 12, 14), day(2023, 12, 20));
    let mut ledger = Ledger::new();
    import_at(&mut ledger, &sameday("sdn_2023-12-14.csv", d1), 0).expect("applies");
    let found =
        import_at(&mut ledger, &sameday("sdn_2023-12-20_first.csv", d2), 0).expect("applies");
    assert_eq!(found.designations(), 1);
    let len = ledger.len();

    // The second capture of 2023-12-20 no longer holds 99001.
    let second = sameday("sdn_2023-12-20_second.csv", d2);
    let err = import_at(&mut ledger, &second, 30).expect_err("a same-date conflict");
    let ImportError::SameDateConflict {
        file, date, entry, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (file.as_str(), *date, entry.as_str()),
        ("sdn_2023-12-20_second.csv", d2, "99001")
    );
    assert!(
        err.to_string()
            .contains("entry 99001 was designated effective 2023-12-20 and is not in this file"),
        "{err}"
    );
    assert_eq!(ledger.len(), len, "nothing applied");
    // Re-importing the first capture is still a no-op.
    let again =
        import_at(&mut ledger, &sameday("sdn_2023-12-20_first.csv", d2), 40).expect("no-op");
    assert!(again.is_empty());
}

#[test]
fn kind4_a_second_amendment_on_one_date_is_imported_and_the_latest_capture_wins() {
    let (d1, d2) = (day(2023, 12, 14), day(2023, 12, 20));
    let mut ledger = Ledger::new();
    import_at(&mut ledger, &sameday("sdn_2023-12-14.csv", d1), 0).expect("applies");
    let name_on = |ledger: &Ledger| -> Vec<String> {
        let now = ledger.current();
        let found = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "36"));
        now.entity_on(found[0], d2).expect("known").aliases.clone()
    };
    let first = sameday("sdn_2023-12-20_amended_first.csv", d2);
    let second = sameday("sdn_2023-12-20_amended_second.csv", d2);

    assert_eq!(
        import_at(&mut ledger, &first, 0)
            .expect("applies")
            .amendments(),
        1
    );
    assert_eq!(name_on(&ledger), ["AEROCARIBE"]);
    // Today this failed with ConflictingChangeId: both amendments had the same id.
    let found = import_at(&mut ledger, &second, 10).expect("a second amendment that day");
    assert_eq!(found.amendments(), 1);
    assert_eq!(name_on(&ledger), ["AERO CARIBBEAN S.A."]);
    // The first capture's state stays what the ledger said between the two imports.
    let between = noon(d2) + sanctions_ledger::chrono::TimeDelta::minutes(5);
    let then = ledger.known_at(between);
    let found36 = then.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "36"));
    assert_eq!(
        then.entity_on(found36[0], d2).expect("known").aliases,
        ["AEROCARIBE"]
    );
    // The latest capture re-imported is a no-op; the first one again would return to a state
    // recorded and superseded that day: refused, whichever capture comes back.
    assert!(import_at(&mut ledger, &second, 20)
        .expect("no-op")
        .is_empty());
    let len = ledger.len();
    let err = import_at(&mut ledger, &first, 30).expect_err("a return to the first capture");
    assert!(
        matches!(&err, ImportError::SameDateConflict { entry, .. } if entry == "36"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("returns to what the ledger recorded on 2023-12-20"),
        "{err}"
    );
    assert_eq!(ledger.len(), len, "nothing applied");
    assert_eq!(name_on(&ledger), ["AERO CARIBBEAN S.A."]);
}

#[test]
fn kind4_a_capture_that_returns_to_the_state_a_same_day_designation_recorded_is_refused() {
    // A (99001 designated that day), B (99001 amended), A again: A's state was recorded by the
    // registration and designation, not by an amendment, and is still a return to it.
    let (d1, d2) = (day(2023, 12, 14), day(2023, 12, 20));
    let first = String::from_utf8(fixture("ofac/sameday/sdn_2023-12-20_first.csv")).expect("text");
    let amended = first.replace(
        "\"Made-up entry for a test.\"",
        "\"a.k.a. 'EXAMPLE SD TRADING'.\"",
    );
    let programs = first.replace(
        "99001,\"EXAMPLE SAME DAY TRADING LTD.\",-0- ,\"CUBA\"",
        "99001,\"EXAMPLE SAME DAY TRADING LTD.\",-0- ,\"CUBA] [IRAN\"",
    );
    for (label, other) in [("an alias", amended), ("a program", programs)] {
        assert_ne!(other, first, "{label}");
        let parse = |name: &str, text: &str| {
            SdnFiles::new(name, text.as_bytes())
                .parse(d2)
                .expect("parses")
        };
        let (a, b) = (parse("a.csv", &first), parse("b.csv", &other));
        let mut ledger = Ledger::new();
        import_at(&mut ledger, &sameday("sdn_2023-12-14.csv", d1), 0).expect("applies");
        assert_eq!(
            import_at(&mut ledger, &a, 0)
                .expect("applies")
                .designations(),
            1
        );
        assert_eq!(
            import_at(&mut ledger, &b, 10)
                .expect("applies")
                .amendments(),
            1,
            "{label}"
        );
        let len = ledger.len();
        let err = import_at(&mut ledger, &a, 20).expect_err(label);
        assert!(
            matches!(&err, ImportError::SameDateConflict { entry, .. } if entry == "99001"),
            "{label}: {err}"
        );
        assert_eq!(ledger.len(), len, "{label}: nothing applied");
        // B again is a no-op: the ledger agrees with it.
        assert!(
            import_at(&mut ledger, &b, 30).expect("no-op").is_empty(),
            "{label}"
        );
    }
}

// Kind 9: UN details.

#[test]
fn kind9_un_listing_dates_and_placeholders() {
    use sanctions_ledger::import::un;
    use sanctions_ledger::ObservationWindow;

    let xml = fixture("un/un_details_2026-02-27.xml");
    let snapshot = un::parse("un.xml", &xml).expect("parses, not refused whole");
    assert_eq!(snapshot.len(), 4);
    let line_of = |reference: &str| {
        let needle = format!("<REFERENCE_NUMBER>{reference}<");
        let text = String::from_utf8_lossy(&xml).into_owned();
        let at = text.find(&needle).expect("in the file");
        // The entry's element starts a few lines above its reference number.
        text[..at]
            .rfind(if reference.contains('e') {
                "<ENTITY>"
            } else {
                "<INDIVIDUAL>"
            })
            .map(|start| text[..start].matches('\n').count() + 1)
            .expect("an element")
    };

    // Two LISTED_ON: the earliest, with a warning.
    let twice = snapshot.get("ZZi.001").expect("ZZi.001");
    assert_eq!(twice.listed_on, Some(day(2012, 3, 15)));
    // An empty LISTED_ON: undated, with a warning.
    let undated = snapshot.get("ZZe.001").expect("ZZe.001");
    assert_eq!(undated.listed_on, None);
    let warnings: Vec<(usize, &WarningKind)> = snapshot
        .warnings()
        .iter()
        .map(|w| (w.line, &w.kind))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                line_of("ZZi.001"),
                &WarningKind::SeveralListingDates {
                    entry: "ZZi.001".into(),
                    kept: day(2012, 3, 15),
                    others: vec![day(2015, 6, 1)],
                }
            ),
            (
                line_of("ZZe.001"),
                &WarningKind::NoListingDate {
                    entry: "ZZe.001".into()
                }
            ),
        ]
    );
    // The `na` placeholders are gone from names and nationalities.
    let faizullah = &snapshot.get("TAi.153").expect("TAi.153").entity;
    assert_eq!(faizullah.name, "FAIZULLAH KHAN NOORZAI");
    let gaffar = &snapshot.get("SDi.001").expect("SDi.001").entity;
    assert_eq!(gaffar.name, "GAFFAR MOHAMMED ELHASSAN");
    assert!(!gaffar.details.contains_key("nationality"));

    // Reconciled after an earlier snapshot, the undated entry carries the observation window.
    let earlier = un::parse(
        "un_2018-10-29.xml",
        &fixture("un/un_relisting_2018-10-29.xml"),
    )
    .expect("parses");
    let mut ledger = Ledger::new();
    import(&mut ledger, &earlier).expect("applies");
    let options = ReconcileOptions::new(noon(snapshot.date())).allow_mass_delisting();
    let (found, _) = apply_snapshot(&mut ledger, &snapshot, &options).expect("applies");
    let report = found
        .report
        .iter()
        .find(|r| r.id == "ZZe.001")
        .expect("designated");
    assert_eq!(report.outcome.effective(), day(2026, 2, 27));
    assert_eq!(
        report.outcome.window(),
        Some(ObservationWindow::new(
            Some(day(2018, 10, 29)),
            day(2026, 2, 27)
        ))
    );
}

#[test]
fn kind10_the_un_parser_names_other_file_types_too() {
    use sanctions_ledger::import::un;

    let csv = fixture(CUBA13);
    let err = un::parse("un.xml", &csv).expect_err("a CSV file");
    assert!(matches!(err, ImportError::WrongFormat { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("an OFAC CSV file? read it with import::ofac"),
        "{err}"
    );
    let enhanced =
        b"<?xml version=\"1.0\"?>\r\n<sanctionsData xmlns=\"x\"><entities/></sanctionsData>";
    let err = un::parse("un.xml", enhanced).expect_err("ENHANCED XML");
    assert!(
        err.to_string()
            .contains("its root element is sanctionsData (OFAC's ENHANCED XML)"),
        "{err}"
    );
    let err = un::parse("un.xml", b"\x00\x01\x02garbage").expect_err("binary");
    assert!(err.to_string().contains("binary data"), "{err}");
    // UTF-16 is named (it was "binary data"); a UTF-8 byte-order mark is read past.
    let xml = fixture("un/un_consolidated_2018-10-29.xml");
    let text = String::from_utf8(xml.clone()).expect("UTF-8");
    let utf16: Vec<u8> = b"\xFF\xFE"
        .iter()
        .copied()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let err = un::parse("un.xml", &utf16).expect_err("UTF-16");
    assert!(
        matches!(&err, ImportError::WrongFormat { found, .. } if found.contains("UTF-16 little-endian")),
        "{err}"
    );
    let with_bom = [&b"\xEF\xBB\xBF"[..], &xml].concat();
    assert_eq!(
        un::parse("un.xml", &with_bom).map(|s| s.len()).ok(),
        un::parse("un.xml", &xml).map(|s| s.len()).ok()
    );
}

#[test]
fn kind4_a_capture_that_returns_an_entry_delisted_that_day_is_refused() {
    // A (173 in force), B (173 gone: delisted that day), A again: a return, refused.
    let (d1, d2) = (day(2023, 12, 14), day(2023, 12, 20));
    let full = String::from_utf8(fixture("ofac/sameday/sdn_2023-12-14.csv")).expect("text");
    let without = full.replace(
        "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
        "",
    );
    assert_ne!(without, full);
    let parse = |name: &str, text: &str, on| {
        SdnFiles::new(name, text.as_bytes())
            .parse(on)
            .expect("parses")
    };
    let mut ledger = Ledger::new();
    import_at(&mut ledger, &parse("a.csv", &full, d1), 0).expect("applies");
    let delisted = import_at(&mut ledger, &parse("b.csv", &without, d2), 0).expect("applies");
    assert_eq!(delisted.delistings(), 1);
    let len = ledger.len();
    let err = import_at(&mut ledger, &parse("a.csv", &full, d2), 10).expect_err("a return");
    assert!(
        matches!(&err, ImportError::SameDateConflict { entry, .. } if entry == "173"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("entry 173 was delisted effective 2023-12-20 and is in this file"),
        "{err}"
    );
    assert_eq!(ledger.len(), len, "nothing applied");
    assert!(!ofac_listed(&ledger, "173", d2));
    // The next day's file that holds it again is a re-listing, as before.
    let found =
        import_at(&mut ledger, &parse("c.csv", &full, day(2023, 12, 21)), 0).expect("a re-listing");
    assert_eq!(found.designations(), 1);
}

#[test]
fn names_and_aliases_with_no_visible_character_are_blank_in_every_importer() {
    use sanctions_ledger::import::{canonical_entity, un};
    use sanctions_ledger::{Entity, EntityKind};

    // OFAC CSV (Latin-1, so no zero-width space): an SDN_Name of a no-break space and a soft
    // hyphen is an empty name.
    let sdn = b"36,\"\xa0\xad\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
    let err = SdnFiles::new("sdn.csv", sdn)
        .parse(day(2024, 1, 1))
        .expect_err("a blank name");
    assert!(
        matches!(&err, ImportError::Malformed { line: 1, what, .. } if what.contains("SDN_Name is empty")),
        "{err}"
    );
    // OFAC remarks: an alias of invisible characters only is no alias.
    let remarks = b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. '\xa0\xad'; a.k.a. 'AEROCARIBE'.\"\r\n\x1a";
    let snapshot = SdnFiles::new("sdn.csv", remarks)
        .parse(day(2024, 1, 1))
        .expect("parses");
    assert_eq!(
        snapshot.get("36").expect("36").entity.aliases,
        ["AEROCARIBE"]
    );

    // UN: a name of a zero-width space and a no-break space is no name.
    let xml = "<CONSOLIDATED_LIST dateGenerated=\"2018-10-29\"><INDIVIDUALS>\n<INDIVIDUAL>\
               <FIRST_NAME>\u{200B}</FIRST_NAME><SECOND_NAME>\u{00A0}</SECOND_NAME>\
               <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.990</REFERENCE_NUMBER>\
               </INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>";
    let err = un::parse("un.xml", xml.as_bytes()).expect_err("no name");
    assert!(
        matches!(&err, ImportError::Malformed { line: 2, what, .. } if what.contains("entry QDi.990 has no name")),
        "{err}"
    );

    // Canonical entities drop invisible aliases and addresses, as they drop blank ones.
    let mut entity = Entity::new(EntityKind::Person, "INVENTED PERSON");
    entity.aliases = vec!["\u{200B}".into(), "\u{2060}\u{FEFF}".into(), "ALIAS".into()];
    entity.addresses = vec!["\u{00A0}".into()];
    let entity = canonical_entity(entity);
    assert_eq!(entity.aliases, ["ALIAS"]);
    assert!(entity.addresses.is_empty());
}
