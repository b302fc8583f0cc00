//! UK Sanctions List (FCDO), XML and CSV: the two snapshots of `tests/fixtures/uk` (a public
//! excerpt of the 2026-09-10 list, a made-up second date; the CSV form made from the XML; see
//! the fixtures' README) and the files the parser must refuse.

use std::path::PathBuf;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::import::uk::{self, DesignationSource, Subject, UkFile, UkFormat};
use sanctions_ledger::import::ImportError;
use sanctions_ledger::{
    Authority, Country, Document, DocumentKind, EntityKind, Identifier, ImoNumber,
};

const XML_1: &str = "uk_sanctions_list_2026-09-10.xml";
const XML_2: &str = "uk_sanctions_list_2026-09-17.xml";
const CSV_1: &str = "uk_sanctions_list_2026-09-10.csv";
const CSV_2: &str = "uk_sanctions_list_2026-09-17.csv";

fn path(dir: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path("uk", name)).expect("fixture")
}

fn parse(name: &str) -> UkFile {
    uk::parse(name, &bytes(name)).expect("parses")
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn ids(file: &UkFile) -> Vec<&str> {
    file.designations
        .iter()
        .map(|d| d.unique_id.as_str())
        .collect()
}

#[test]
fn both_forms_are_read_with_their_dates() {
    let xml = parse(XML_1);
    assert_eq!(xml.format, UkFormat::Xml);
    assert_eq!(Some(xml.generated), day(2026, 9, 10));
    assert_eq!(
        ids(&xml),
        ["AFG0001", "AFG0006", "BEL0107", "DPR0075", "AQD0195"]
    );
    let csv = parse(CSV_1);
    assert_eq!(csv.format, UkFormat::Csv);
    assert_eq!(Some(csv.generated), day(2026, 9, 10));
    assert_eq!(ids(&csv), ids(&xml));
    // Lines of the file: the XML element, the first CSV row (after Report Date and header).
    assert_eq!(xml.designations[0].line, 4);
    assert_eq!(csv.designations[0].line, 3);
    assert_eq!(csv.designations[1].line, 6);
    let read = uk::read(&path("uk", XML_2)).expect("reads");
    assert_eq!(Some(read.generated), day(2026, 9, 17));
}

#[test]
fn the_csv_rows_merge_into_the_same_designations_as_the_xml() {
    for (xml, csv) in [(XML_1, CSV_1), (XML_2, CSV_2)] {
        let (xml, csv) = (parse(xml), parse(csv));
        for (a, b) in xml.designations.iter().zip(&csv.designations) {
            let (mut a, mut b) = (a.clone(), b.clone());
            (a.line, b.line) = (0, 0);
            // The XML has no script type or language for non-Latin names; neither has this CSV.
            assert_eq!(a, b, "{}", a.unique_id);
        }
        assert_eq!(xml.designations.len(), csv.designations.len());
    }
}

#[test]
fn an_addition_a_removal_and_an_amendment_show_between_the_snapshots() {
    for (first, second) in [(XML_1, XML_2), (CSV_1, CSV_2)] {
        let (a, b) = (parse(first), parse(second));
        assert!(a.get("AQD0195").is_some() && b.get("AQD0195").is_none());
        assert!(a.get("RUS9901").is_none() && b.get("RUS9901").is_some());
        let (before, after) = (
            a.get("BEL0107").expect("BEL0107"),
            b.get("BEL0107").expect("BEL0107"),
        );
        assert_eq!(before.last_updated, day(2025, 4, 9));
        assert_eq!(after.last_updated, day(2026, 9, 17));
        assert_eq!(before.names.len() + 1, after.names.len());
        assert_eq!(before.date_designated, after.date_designated);
    }
}

#[test]
fn ids_names_regime_source_sanctions_and_dates() {
    for name in [XML_1, CSV_1] {
        let file = parse(name);
        let akhund = file.get("AFG0006").expect("AFG0006");
        assert_eq!(akhund.ofsi_group_id.as_deref(), Some("7172"));
        assert_eq!(akhund.un_reference_number.as_deref(), Some("TAi.002"));
        assert_eq!(akhund.date_designated, day(2001, 1, 25));
        assert_eq!(akhund.last_updated, day(2026, 4, 14));
        assert_eq!(akhund.subject, Subject::Individual);
        assert_eq!(
            akhund.regime,
            "The Afghanistan (Sanctions) (EU Exit) Regulations 2020"
        );
        assert_eq!(
            akhund.sources,
            [DesignationSource::Uk, DesignationSource::Un]
        );
        assert_eq!(akhund.sanctions_imposed, ["Asset freeze", "Travel Ban"]);
        let primary = akhund.primary_name().expect("primary");
        assert_eq!(primary.full(), "MOHAMMAD HASSAN AKHUND");
        assert_eq!(primary.parts[0].as_deref(), Some("MOHAMMAD"));
        assert_eq!(primary.parts[5].as_deref(), Some("AKHUND"));
        assert_eq!(
            akhund.names[1].name_type.as_deref(),
            Some("Primary Name Variation")
        );
        assert_eq!(akhund.non_latin_names[0].name, "محمد حسن آخوند");
        assert_eq!(akhund.titles, ["Mullah", "Haji"]);
        assert!(akhund
            .other_information
            .as_deref()
            .is_some_and(|o| o.contains("TAi.004")));
        assert_eq!(akhund.statement_of_reasons, None, "blank in the source");
        // Alias strength.
        let bnk = file.get("BEL0107").expect("BEL0107");
        assert_eq!(bnk.sources, [DesignationSource::Uk]);
        let strengths: Vec<(String, bool)> = bnk.names[1..]
            .iter()
            .map(|n| (n.full(), n.is_low_quality()))
            .collect();
        assert_eq!(
            strengths,
            [
                ("BNK UK Limited".to_owned(), false),
                ("BNK".to_owned(), true)
            ]
        );
        assert_eq!(
            bnk.names[2].alias_strength.as_deref(),
            Some("Low quality a.k.a")
        );
        assert!(bnk
            .statement_of_reasons
            .as_deref()
            .is_some_and(|s| s.starts_with("BNK (UK) Ltd is controlled")));
        // A UN entity without OFSI group id: the ship.
        let petrel = file.get("DPR0075").expect("DPR0075");
        assert_eq!(petrel.ofsi_group_id, None);
        assert_eq!(petrel.un_reference_number.as_deref(), Some("KPv.001"));
        assert_eq!(petrel.subject, Subject::Ship);
        assert_eq!(petrel.sources, [DesignationSource::Un]);
    }
}

#[test]
fn individual_entity_and_ship_details_and_addresses() {
    for name in [XML_1, CSV_1] {
        let file = parse(name);
        let akhund = file.get("AFG0006").expect("AFG0006");
        let person = &akhund.individual;
        assert_eq!(person.dates_of_birth, ["12/05/1958", "dd/mm/1945", "1946"]);
        assert_eq!(person.nationalities, ["Afghanistan"]);
        assert_eq!(person.genders, ["Male"]);
        assert_eq!(
            person.positions,
            ["Deputy Minister of Agriculture under the Taliban regime"]
        );
        // The source repeats the passport; it is kept once.
        assert_eq!(person.passports.len(), 1);
        assert_eq!(person.passports[0].number, "P04581926");
        assert!(person.passports[0]
            .information
            .as_deref()
            .is_some_and(|i| i.contains("Kandahar")));
        assert_eq!(person.national_ids[0].number, "2132370");
        assert_eq!(person.towns_of_birth, ["Pashmul village, Panjwai District"]);
        assert_eq!(person.countries_of_birth, ["Afghanistan"]);
        let bnk = &file.get("BEL0107").expect("BEL0107").entity;
        assert_eq!(bnk.types, ["Oil trading company"]);
        assert_eq!(bnk.registration_numbers, ["UK Company no. 06527449"]);
        assert_eq!(
            bnk.parent_companies,
            ["CJSC Belarusian Oil Company", "Belneftekhim"]
        );
        assert_eq!(bnk.subsidiaries, ["BNK (Deutschland) GmbH"]);
        let ship = &file.get("DPR0075").expect("DPR0075").ship;
        assert_eq!(ship.imo_numbers, ["IMO9562233"]);
        assert_eq!(ship.current_owners, ["Global United Shipping India"]);
        assert_eq!(ship.current_flags, ["Comoros"]);
        assert_eq!(ship.previous_flags, ["India"]);
        assert_eq!(ship.types, ["Bulk Carrier"]);
        assert_eq!(ship.tonnages, ["7078"]);
        assert_eq!(ship.lengths, ["134.5"]);
        let exchange = file.get("AFG0001").expect("AFG0001");
        let lines: Vec<String> = exchange.addresses.iter().map(uk::UkAddress::line).collect();
        assert_eq!(
            lines,
            [
                "Ansari Market, 2nd Floor, Nimroz Province, Afghanistan",
                "Branch Office 14, Dubai, United Arab Emirates"
            ]
        );
        assert_eq!(exchange.phone_numbers, ["0202-104748"]);
        assert_eq!(exchange.email_addresses, ["helmand_exchange_msp@yahoo.com"]);
        let bnk = file.get("BEL0107").expect("BEL0107");
        assert_eq!(bnk.addresses[0].postal_code.as_deref(), Some("SM2 5DA"));
        assert_eq!(bnk.websites, ["http://www.belnaft.co.uk/"]);
    }
}

#[test]
fn records_become_entities() {
    let file = parse(XML_2);
    let akhund = file.entity(file.get("AFG0006").expect("AFG0006"));
    assert_eq!(akhund.kind, EntityKind::Person);
    assert_eq!(akhund.name, "MOHAMMAD HASSAN AKHUND");
    assert!(akhund.aliases.contains(&"Mohammad Akhwand".to_owned()));
    assert!(akhund.aliases.contains(&"محمد حسن آخوند".to_owned()));
    for id in [
        Identifier::list_entry(Authority::UK, "AFG0006"),
        Identifier::list_entry(Authority::UN, "TAi.002"),
        Identifier::Other {
            scheme: "OFSI group id".into(),
            value: "7172".into(),
        },
        Identifier::Document(
            Document::new(DocumentKind::Passport, "P04581926").with_scheme("passport"),
        ),
        Identifier::Document(
            Document::new(DocumentKind::NationalId, "2132370").with_scheme("national id"),
        ),
    ] {
        assert!(akhund.identifiers.contains(&id), "{id:?}");
    }
    assert_eq!(akhund.countries, [Country::new("AF").expect("AF")]);
    assert_eq!(
        akhund.details.get("date_of_birth").map(String::as_str),
        Some("12/05/1958; dd/mm/1945; 1946")
    );
    let tanker = file.entity(file.get("RUS9901").expect("RUS9901"));
    assert_eq!(tanker.kind, EntityKind::Vessel);
    assert!(tanker
        .identifiers
        .contains(&Identifier::Imo(ImoNumber::new("9999993").expect("IMO"))));
    assert_eq!(tanker.countries, [Country::new("GA").expect("GA")]);
    assert_eq!(
        tanker.details.get("vessel_type").map(String::as_str),
        Some("Oil Tanker")
    );
    let bnk = file.entity(file.get("BEL0107").expect("BEL0107"));
    assert_eq!(bnk.kind, EntityKind::Organisation);
    assert!(bnk.identifiers.contains(&Identifier::Document(
        Document::new(DocumentKind::Registration, "UK Company no. 06527449")
            .with_scheme("business registration number")
    )));
    assert_eq!(bnk.countries, [Country::new("GB").expect("GB")]);
}

// ---- refusals ----

fn refused(name: &str, bytes: &[u8]) -> ImportError {
    uk::parse(name, bytes).expect_err("refused")
}

#[test]
fn empty_files_are_refused() {
    assert!(matches!(
        refused("uk.xml", b"\n"),
        ImportError::Empty { .. }
    ));
    assert!(matches!(
        refused(
            "uk.xml",
            b"<Designations><DateGenerated>10/09/2026</DateGenerated></Designations>"
        ),
        ImportError::Empty { .. }
    ));
    let csv = bytes(CSV_1);
    let header_end = csv
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"\r\n")
        .nth(1)
        .expect("header")
        .0
        + 2;
    assert!(matches!(
        refused("uk.csv", &csv[..header_end]),
        ImportError::Empty { .. }
    ));
}

#[test]
fn cut_files_are_refused() {
    let xml = bytes(XML_1);
    let text = String::from_utf8(xml.clone()).expect("utf-8");
    let second = text
        .find("  <Designation>\n    <LastUpdated>14/04/2026")
        .expect("AFG0006");
    for cut in [
        40,
        second,
        second + 300,
        text.rfind("</Designations>").expect("end"),
        xml.len() - 2,
    ] {
        let error = refused("uk.xml", &xml[..cut]);
        assert!(
            matches!(error, ImportError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
    }
    // A CSV cut inside a row (no final line break), or on its first line.
    let csv = bytes(CSV_1);
    for cut in [csv.len() - 1, csv.len() / 2, 20] {
        let error = refused("uk.csv", &csv[..cut]);
        assert!(
            matches!(error, ImportError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
        assert_eq!(error.file(), Some("uk.csv"));
    }
}

#[test]
fn files_of_another_type_are_named() {
    let sdn = std::fs::read(path("ofac", "sdn_2023-08-03.csv")).expect("SDN");
    let eu = std::fs::read(path("eu", "fsf_2026-08-05.xml")).expect("EU");
    for (bytes, looks_like) in [
        (&sdn[..], "an OFAC legacy CSV"),
        (&eu[..], "an EU Financial Sanctions Files XML"),
        (b"PK\x03\x04\x14\x00", "a zip archive"),
    ] {
        let error = refused("download", bytes);
        let ImportError::WrongFormat { found, .. } = &error else {
            panic!("{error}");
        };
        assert!(
            found.starts_with(&format!("it looks like {looks_like}")),
            "{found}"
        );
    }
    // A CSV with the Report Date line but another header.
    let error = refused(
        "uk.csv",
        b"Report Date: 10-Sep-2026\r\nName,Country\r\nX,Y\r\n",
    );
    assert!(matches!(error, ImportError::WrongFormat { .. }), "{error}");
    assert!(error.to_string().contains("\"Unique ID\""), "{error}");
}

#[test]
fn bad_values_are_malformed() {
    let text = String::from_utf8(bytes(XML_1)).expect("utf-8");
    for (from, to, says) in [
        (
            "<DateDesignated>29/06/2012</DateDesignated>",
            "<DateDesignated>2012-06-29</DateDesignated>",
            "not a date",
        ),
        (
            "<UniqueID>AFG0006</UniqueID>",
            "<UniqueID>AFG0001</UniqueID>",
            "appears twice",
        ),
        (
            "<DateGenerated>10/09/2026</DateGenerated>",
            "",
            "no DateGenerated",
        ),
        (
            "<IndividualEntityShip>Ship</IndividualEntityShip>",
            "",
            "no designation type",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let error = refused("uk.xml", text.replacen(from, to, 1).as_bytes());
        assert!(matches!(error, ImportError::Malformed { .. }), "{error}");
        assert!(error.to_string().contains(says), "{error}");
    }
    let csv = String::from_utf8(bytes(CSV_1)).expect("utf-8");
    let short = csv.replacen(",Primary Name,", ",", 1);
    let error = refused("uk.csv", short.as_bytes());
    assert!(
        matches!(error, ImportError::Malformed { line: 3, .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("57 fields where the header has 58"),
        "{error}"
    );
    let bad_report = csv.replacen("10-Sep-2026", "2026-09-10", 1);
    assert!(matches!(
        refused("uk.csv", bad_report.as_bytes()),
        ImportError::Malformed { line: 1, .. }
    ));
}

#[test]
fn no_cut_before_the_root_closes_parses() {
    let full = bytes(XML_2);
    let end = String::from_utf8(full.clone())
        .expect("utf-8")
        .rfind("</Designations>")
        .expect("root end")
        + "</Designations>".len();
    for cut in (0..end).step_by(5).chain([end - 1]) {
        assert!(
            uk::parse("cut.xml", &full[..cut]).is_err(),
            "a file cut at byte {cut} parsed"
        );
    }
    assert!(uk::parse("whole.xml", &full[..end]).is_ok());
    // A CSV cut anywhere but at a line break is refused too.
    let csv = bytes(CSV_2);
    for cut in (0..csv.len()).step_by(3) {
        if csv[..cut].ends_with(b"\n") {
            continue;
        }
        assert!(
            uk::parse("cut.csv", &csv[..cut]).is_err(),
            "a CSV cut at byte {cut} parsed"
        );
    }
}

/// A `Name` marked primary whose parts are all empty names nothing: the subject is named by its
/// next name that has parts, never by an empty string (found by the `uk_list` fuzz target;
/// the input is in `fuzz/regressions/uk_list/`).
#[test]
fn an_empty_primary_name_gives_way_to_the_next_name() {
    let text = String::from_utf8(bytes(XML_1)).expect("UTF-8");
    let emptied = text.replacen("<Name6>HAJI KHAIRULLAH MONEY EXCHANGE</Name6>", "", 1);
    assert_ne!(emptied, text, "the fixture names AFG0001 so");
    let file = uk::parse(XML_1, emptied.as_bytes()).expect("parses");
    let afg = &file.designations[0];
    assert_eq!(afg.unique_id, "AFG0001");
    assert_eq!(
        afg.primary_name().map(uk::UkName::full).as_deref(),
        Some("Haji Alim Hawala")
    );
    let snapshot = file.snapshot();
    let entry = snapshot.get("AFG0001").expect("AFG0001 is in the snapshot");
    assert_eq!(entry.entity.name, "Haji Alim Hawala");
    assert!(snapshot.entries().all(|e| !e.entity.name.is_empty()));
}
