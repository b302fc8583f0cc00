//! EU Financial Sanctions Files XML: the two snapshots of `tests/fixtures/eu` (real entries
//! from a public excerpt of the 2026-08-05 export, a made-up second date and a made-up
//! Belavia entry; see the fixtures' README) and the files the parser must refuse.

use std::path::PathBuf;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::import::eu::{self, EuFile};
use sanctions_ledger::import::ImportError;
use sanctions_ledger::{Authority, Country, Document, DocumentKind, EntityKind, Identifier};

const FIRST: &str = "fsf_2026-08-05.xml";
const SECOND: &str = "fsf_2026-08-12.xml";

fn path(dir: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path("eu", name)).expect("fixture")
}

fn parse(name: &str) -> EuFile {
    eu::parse(name, &bytes(name)).expect("parses")
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn ids(file: &EuFile) -> Vec<u64> {
    file.entities.iter().map(|e| e.logical_id).collect()
}

#[test]
fn the_header_and_every_entry_are_read() {
    let first = parse(FIRST);
    assert_eq!(Some(first.generation_date), day(2026, 8, 5));
    assert_eq!(first.generated_at, "2026-08-05T16:47:04.449+02:00");
    assert_eq!(first.global_file_id.as_deref(), Some("184961"));
    assert_eq!(ids(&first), [191, 521, 6106, 900_001]);
    let second = parse(SECOND);
    assert_eq!(Some(second.generation_date), day(2026, 8, 12));
    assert_eq!(ids(&second), [191, 6106, 6177, 900_001]);
    let read = eu::read(&path("eu", FIRST)).expect("reads");
    assert_eq!(read.entities, first.entities);
}

#[test]
fn an_addition_a_removal_and_an_amendment_show_between_the_snapshots() {
    let (first, second) = (parse(FIRST), parse(SECOND));
    assert!(first.get(521).is_some() && second.get(521).is_none());
    assert!(first.get(6177).is_none() && second.get(6177).is_some());
    let before = first.get(900_001).expect("Belavia");
    let after = second.get(900_001).expect("Belavia");
    assert_eq!(before.name_aliases.len() + 1, after.name_aliases.len());
    let added = &after.name_aliases[2];
    assert_eq!(added.whole_name, "OAO Belavia");
    assert!(!added.strong);
    // The real entries kept in both are read alike.
    for id in [191, 6106] {
        let (mut a, mut b) = (
            first.get(id).expect("entry").clone(),
            second.get(id).expect("entry").clone(),
        );
        (a.line, b.line) = (0, 0);
        assert_eq!(a, b, "{id}");
    }
}

#[test]
fn entry_attributes_regulations_and_dates() {
    let file = parse(FIRST);
    let dorda = file.get(6106).expect("Dorda");
    assert_eq!(dorda.eu_reference_number.as_deref(), Some("EU.3886.3"));
    assert_eq!(dorda.united_nation_id.as_deref(), Some("LYi.006"));
    assert_eq!(dorda.designation_date, day(2011, 2, 26));
    assert_eq!(dorda.designation_details, None);
    assert_eq!(dorda.delisting_date, None);
    assert_eq!(dorda.remarks.len(), 1);
    assert!(dorda.remarks[0].starts_with("Listed pursuant to paragraph 15 of resolution 1970"));
    let regulation = &dorda.regulations[0];
    assert_eq!(regulation.logical_id, Some(161_744));
    assert_eq!(regulation.regulation_type.as_deref(), Some("amendment"));
    assert_eq!(regulation.organisation_type.as_deref(), Some("council"));
    assert_eq!(regulation.publication_date, day(2022, 9, 12));
    assert_eq!(regulation.entry_into_force_date, day(2022, 9, 13));
    assert_eq!(
        regulation.number_title.as_deref(),
        Some("2022/1502 (OJ L235)")
    );
    assert_eq!(regulation.programme.as_deref(), Some("LBY"));
    assert!(regulation
        .publication_url
        .as_deref()
        .is_some_and(|u| u.contains("OJ.L_.2022.235.01.0004.01.ENG&toc=")));
    assert_eq!(dorda.subject_type.code, "person");
    assert_eq!(dorda.subject_type.classification_code.as_deref(), Some("P"));
    assert_eq!(dorda.kind(), EntityKind::Person);
    // designationDate is absent on 191; its earliest regulationSummary bounds the listing.
    let ksm = file.get(191).expect("191");
    assert_eq!(ksm.designation_date, None);
    assert_eq!(ksm.earliest_publication(), day(2005, 11, 30));
    assert_eq!(ksm.programmes(), ["TERR"]);
    // Belavia (made-up entry): listed by Implementing Regulation 2021/2124 on 2021-12-02.
    let belavia = file.get(900_001).expect("Belavia");
    assert_eq!(belavia.designation_date, day(2021, 12, 2));
    assert_eq!(
        belavia.regulations[0].number_title.as_deref(),
        Some("2021/2124 (OJ L430I)")
    );
    assert_eq!(
        belavia.regulations[0].entry_into_force_date,
        day(2021, 12, 2)
    );
    assert_eq!(belavia.programmes(), ["BLR"]);
    assert_eq!(belavia.kind(), EntityKind::Organisation);
}

#[test]
fn names_citizenships_birth_dates_identifications_and_addresses() {
    let file = parse(SECOND);
    let dorda = file.get(6106).expect("Dorda");
    let names: Vec<(&str, Option<&str>, bool)> = dorda
        .name_aliases
        .iter()
        .map(|a| (a.whole_name.as_str(), a.language.as_deref(), a.strong))
        .collect();
    assert_eq!(
        names,
        [
            ("Abu Zayd Umar DORDA", None, true),
            ("Dorda Abuzed OE", None, true),
            ("ABÚ ZAJD UMAR DÚRDA", Some("CS"), true),
            ("Abu  Zayd Umar Hmeid Dorda", None, true),
        ]
    );
    let first = &dorda.name_aliases[0];
    assert_eq!(first.first_name.as_deref(), Some("Abu"));
    assert_eq!(first.middle_name.as_deref(), Some("Zayd Umar"));
    assert_eq!(first.last_name.as_deref(), Some("DORDA"));
    assert!(first
        .function
        .as_deref()
        .is_some_and(|f| f.starts_with("Director, External Security")));
    assert_eq!(first.logical_id, Some(8986));
    let summary = first.summary.as_ref().expect("regulationSummary");
    assert_eq!(summary.regulation_type.as_deref(), Some("amendment"));
    assert_eq!(summary.publication_date, day(2014, 10, 20));
    assert_eq!(summary.number_title.as_deref(), Some("1103/2014 (OJ L301)"));
    assert!(summary.publication_url.is_some());
    assert_eq!(dorda.name_aliases[1].remarks, ["Good quality alias"]);
    // Birth date with place, address with remark, passport with its dates.
    let birth = &dorda.birthdates[0];
    assert_eq!(birth.date, day(1944, 4, 4));
    assert_eq!(
        (birth.year, birth.month, birth.day),
        (Some(1944), Some(4), Some(4))
    );
    assert_eq!(birth.place.as_deref(), Some("Alrhaybat"));
    assert_eq!(birth.country, None, "00 is unknown");
    assert_eq!(birth.calendar_type.as_deref(), Some("GREGORIAN"));
    let address = &dorda.addresses[0];
    assert_eq!(address.country.as_deref(), Some("LY"));
    assert_eq!(
        address.remarks,
        ["Libya (Believed status/location: residing in Egypt)"]
    );
    let passport = &dorda.identifications[0];
    assert_eq!(passport.number, "FK117RK0");
    assert_eq!(passport.type_code.as_deref(), Some("passport"));
    assert_eq!(
        passport.type_description.as_deref(),
        Some("National passport")
    );
    assert_eq!(passport.issue_date, day(2018, 11, 25));
    assert_eq!(passport.valid_to, day(2026, 11, 24));
    assert_eq!(passport.region.as_deref(), Some("Tripoli"));
    assert_eq!(passport.country.as_deref(), Some("LY"));
    assert!(!passport.known_expired && !passport.diplomatic);
    // 6177: citizenship, an Islamic-calendar birth date, an expired passport, Arabic names.
    let asiri = file.get(6177).expect("6177");
    assert_eq!(asiri.citizenships[0].country.as_deref(), Some("SA"));
    assert_eq!(
        asiri.citizenships[0].country_description.as_deref(),
        Some("SAUDI ARABIA")
    );
    assert_eq!(
        asiri.citizenships[0]
            .summary
            .as_ref()
            .and_then(|s| s.publication_date),
        day(2011, 4, 1)
    );
    let hijri = &asiri.birthdates[1];
    assert_eq!(hijri.calendar_type.as_deref(), Some("ISLAMIC"));
    assert_eq!(
        (hijri.year, hijri.month, hijri.day),
        (Some(1402), Some(6), Some(24))
    );
    assert_eq!(hijri.remarks, ["hijri calendar"]);
    let expired = &asiri.identifications[1];
    assert!(expired.known_expired);
    assert_eq!(expired.valid_to, day(2010, 3, 7));
    assert!(asiri
        .name_aliases
        .iter()
        .any(|a| a.language.as_deref() == Some("AR")));
    assert_eq!(asiri.earliest_publication(), day(2011, 4, 1));
}

#[test]
fn year_ranges_titles_and_contact_information() {
    let file = parse(SECOND);
    // 521 (first snapshot): year ranges, circa.
    let first = parse(FIRST);
    let jan = first.get(521).expect("521");
    let range = &jan.birthdates[0];
    assert!(range.circa);
    assert_eq!(
        (range.year_range_from, range.year_range_to),
        (Some(1953), Some(1958))
    );
    assert_eq!(range.text().as_deref(), Some("1953-1958"));
    assert_eq!(jan.name_aliases[2].title.as_deref(), Some("Maulavi"));
    // Belavia: an address with contact information.
    let belavia = file.get(900_001).expect("Belavia");
    let address = &belavia.addresses[0];
    assert_eq!(
        address.contact_info,
        [("WEB".to_owned(), "https://belavia.by".to_owned())]
    );
    assert_eq!(address.line(), "14A Nemiga str., 220004, Minsk, BELARUS");
}

#[test]
fn records_become_entities() {
    let file = parse(FIRST);
    let dorda = file.entity(file.get(6106).expect("Dorda"));
    assert_eq!(dorda.kind, EntityKind::Person);
    assert_eq!(dorda.name, "Abu Zayd Umar DORDA");
    assert!(dorda.aliases.contains(&"ABÚ ZAJD UMAR DÚRDA".to_owned()));
    assert!(dorda
        .identifiers
        .contains(&Identifier::list_entry(Authority::EU, "EU.3886.3")));
    assert!(dorda
        .identifiers
        .contains(&Identifier::list_entry(Authority::UN, "LYi.006")));
    assert!(dorda.identifiers.contains(&Identifier::Document(
        Document::new(DocumentKind::Passport, "FK117RK0")
            .with_scheme("National passport")
            .with_country(Country::new("LY").expect("LY"))
    )));
    // The FSF's key is an identifier too, beside the EU reference.
    assert!(dorda
        .identifiers
        .contains(&Identifier::list_entry(Authority::EU, "6106")));
    assert_eq!(dorda.countries, [Country::new("LY").expect("LY")]);
    assert_eq!(
        dorda.details.get("date_of_birth").map(String::as_str),
        Some("1944-04-04")
    );
    assert_eq!(
        dorda.details.get("place_of_birth").map(String::as_str),
        Some("Alrhaybat")
    );
    let belavia = file.entity(file.get(900_001).expect("Belavia"));
    assert_eq!(belavia.kind, EntityKind::Organisation);
    assert_eq!(belavia.name, "Belavia – Belarusian Airlines AAT");
    assert_eq!(
        belavia.aliases,
        ["Open Joint Stock Company Belavia Belarusian Airlines"]
    );
    assert_eq!(belavia.countries, [Country::new("BY").expect("BY")]);
    assert_eq!(
        belavia.details.get("contact").map(String::as_str),
        Some("WEB: https://belavia.by")
    );
    // The FSF marks no primary name: the strong English (or unmarked) alias with the lowest
    // logicalId is taken, not the French alias first in the file.
    let ksm = file.entity(file.get(191).expect("191"));
    assert_eq!(ksm.name, "Khalid Sheikh MOHAMMED");
    assert!(ksm
        .aliases
        .contains(&"Bin Khalid Fahd Bin Adballah".to_owned()));
    let asiri = parse(SECOND);
    let asiri = asiri.entity(asiri.get(6177).expect("6177"));
    assert_eq!(asiri.name, "Ibrahim Hassan Tali Al-Asiri");
}

// ---- refusals ----

fn refused(name: &str, bytes: &[u8]) -> ImportError {
    eu::parse(name, bytes).expect_err("refused")
}

#[test]
fn empty_and_cut_files_are_refused() {
    assert!(matches!(refused("e.xml", b""), ImportError::Empty { .. }));
    let hollow = b"<?xml version=\"1.0\"?><export xmlns=\"http://eu.europa.ec/fpi/fsd/export\" generationDate=\"2026-08-05T16:47:04.449+02:00\"></export>";
    assert!(matches!(
        refused("e.xml", hollow),
        ImportError::Empty { .. }
    ));
    let full = bytes(FIRST);
    let text = String::from_utf8(full.clone()).expect("utf-8");
    let second_entry = text
        .find("    <sanctionEntity designationDate=\"2001-01-25\"")
        .expect("521");
    for cut in [
        60,
        text.find("<export").expect("root") + 30,
        second_entry,
        second_entry + 700,
        text.rfind("</export>").expect("end"),
        full.len() - 3,
    ] {
        let error = refused("cut.xml", &full[..cut]);
        assert!(
            matches!(error, ImportError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
        assert_eq!(error.file(), Some("cut.xml"));
    }
}

#[test]
fn files_of_another_type_are_named() {
    let un = std::fs::read(path("un", "un_consolidated_2018-08-24.xml")).expect("UN");
    let sdn = std::fs::read(path("ofac", "sdn_2023-08-03.csv")).expect("SDN");
    let enhanced =
        std::fs::read(path("ofac_enhanced", "CONS_ENHANCED_2025-01-10.zip")).expect("zip");
    let uk = std::fs::read(path("uk", "uk_sanctions_list_2026-09-10.xml")).expect("UK");
    for (bytes, looks_like) in [
        (&sdn[..], "an OFAC legacy CSV"),
        (&un[..], "a UN Security Council consolidated list (XML)"),
        (&enhanced[..], "a zip archive"),
        (&uk[..], "a UK Sanctions List XML"),
        (
            b"<export generationDate=\"2026-08-05\"></export>",
            "an XML document with root element <export>",
        ),
    ] {
        let error = refused("download", bytes);
        let ImportError::WrongFormat {
            expected, found, ..
        } = &error
        else {
            panic!("{error}");
        };
        assert_eq!(*expected, "an EU Financial Sanctions Files XML");
        assert!(
            found.starts_with(&format!("it looks like {looks_like}")),
            "{found}"
        );
        assert!(error
            .to_string()
            .starts_with("download is not an EU Financial Sanctions Files XML: it looks like"));
    }
}

#[test]
fn bad_values_are_malformed() {
    let text = String::from_utf8(bytes(FIRST)).expect("utf-8");
    for (from, to, says) in [
        (
            "logicalId=\"521\">",
            "logicalId=\"191\">",
            "logicalId appears twice",
        ),
        (
            "designationDate=\"2001-01-25\"",
            "designationDate=\"25/01/2001\"",
            "not a date",
        ),
        (
            "strong=\"true\" regulationLanguage=\"en\" logicalId=\"8986\"",
            "strong=\"maybe\" regulationLanguage=\"en\" logicalId=\"8986\"",
            "not true or false",
        ),
        (
            "generationDate=\"2026-08-05T16:47:04.449+02:00\"",
            "",
            "no generationDate",
        ),
        (
            "<subjectType code=\"person\" classificationCode=\"P\"/>",
            "",
            "no subjectType",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        let error = refused("bad.xml", bad.as_bytes());
        assert!(matches!(error, ImportError::Malformed { .. }), "{error}");
        assert!(error.to_string().contains(says), "{error}");
    }
}

#[test]
fn no_cut_before_the_root_closes_parses() {
    let full = bytes(SECOND);
    let end = String::from_utf8(full.clone())
        .expect("utf-8")
        .rfind("</export>")
        .expect("root end")
        + "</export>".len();
    for cut in (0..end).step_by(23).chain([end - 1]) {
        assert!(
            eu::parse("cut.xml", &full[..cut]).is_err(),
            "a file cut at byte {cut} parsed"
        );
    }
    assert!(eu::parse("whole.xml", &full[..end]).is_ok());
}
