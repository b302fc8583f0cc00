//! Parsing OFAC's legacy SDN CSV files into snapshots, on trimmed real files.

use std::path::PathBuf;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::import::ofac::{self, ParseOptions, SdnFiles};
use sanctions_ledger::import::{ImportError, Snapshot};
use sanctions_ledger::{Authority, Country, EntityKind, Identifier, ImoNumber, Measure};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ofac")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture is readable")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn sdn(name: &str) -> Snapshot {
    let path = fixture(name);
    let date = ofac::date_from_file_name(&path).expect("dated file name");
    if name.contains("tiny") {
        // watchman's hand-picked subset has no end byte.
        let options = ParseOptions::new().allow_unterminated();
        let content = bytes(name);
        return SdnFiles::new(name, &content)
            .with_options(options)
            .parse(date)
            .expect("fixture parses");
    }
    ofac::read_sdn(&path, date).expect("fixture parses")
}

/// Records counted the plain way: CRLF-terminated lines that are not the 0x1A marker.
fn count_rows(data: &[u8]) -> usize {
    data.split(|&b| b == b'\n')
        .filter(|line| !matches!(line, [] | [0x1a]))
        .count()
}

fn program_codes(snapshot: &Snapshot, id: &str) -> Vec<String> {
    snapshot
        .get(id)
        .expect("entry")
        .programs
        .iter()
        .map(|p| p.code().to_owned())
        .collect()
}

#[test]
fn entry_counts_match_the_files() {
    for name in [
        "sdn_2023-08-03.csv",
        "sdn_2023-08-09.csv",
        "sdn_2023-09-06.csv",
        "sdn_tiny_2025-05-16.csv",
    ] {
        let snapshot = sdn(name);
        assert_eq!(snapshot.len(), count_rows(&bytes(name)), "{name}");
        assert_eq!(snapshot.authority(), &Authority::US_OFAC);
        assert!(!snapshot.is_dated());
    }
    assert_eq!(sdn("sdn_2023-08-09.csv").date(), day(2023, 8, 9));
}

#[test]
fn belavia_and_its_aircraft_are_typed_entities() {
    let snapshot = sdn("sdn_2023-08-09.csv");

    let belavia = snapshot.get("44541").expect("Belavia is listed");
    assert_eq!(belavia.entity.kind, EntityKind::Organisation);
    assert_eq!(
        belavia.entity.name,
        "OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES"
    );
    assert_eq!(program_codes(&snapshot, "44541"), ["BELARUS-EO14038"]);
    assert_eq!(belavia.measures, [Measure::AssetFreeze]);
    assert!(belavia
        .entity
        .identifiers
        .contains(&Identifier::list_entry(Authority::US_OFAC, "44541")));
    assert_eq!(belavia.listed_on, None);

    let aircraft = snapshot.get("44580").expect("EW-301PJ is listed");
    assert_eq!(aircraft.entity.kind, EntityKind::Aircraft);
    assert_eq!(aircraft.entity.name, "EW-301PJ");
    let ids = &aircraft.entity.identifiers;
    assert!(ids.contains(&Identifier::AircraftRegistration("EW-301PJ".into())));
    assert!(ids.contains(&Identifier::AircraftSerial("8057".into())));
    // The name and the "Aircraft Tail Number" remark give the same registration once.
    let registrations = ids
        .iter()
        .filter(|i| matches!(i, Identifier::AircraftRegistration(_)))
        .count();
    assert_eq!(registrations, 1);
    assert!(
        aircraft.entity.details["remarks"].contains("Linked To: OPEN JOINT STOCK COMPANY BELAVIA")
    );
}

#[test]
fn programs_joined_by_brackets_are_split() {
    let snapshot = sdn("sdn_2023-09-06.csv");
    assert_eq!(
        program_codes(&snapshot, "30610"),
        ["GLOMAG", "RUSSIA-EO14024"]
    );
    let tiny = sdn("sdn_tiny_2025-05-16.csv");
    assert_eq!(
        program_codes(&tiny, "11195"),
        ["IFSR", "IRAN-CON-ARMS-EO", "NPWMD"]
    );
}

#[test]
fn vessels_carry_their_details_and_valid_imo_numbers() {
    let snapshot = sdn("sdn_2023-08-03.csv");
    let vessels: Vec<_> = snapshot
        .entries()
        .filter(|e| e.entity.kind == EntityKind::Vessel)
        .collect();
    assert!(
        vessels.len() >= 5,
        "the fixture keeps 5 vessels with IMO numbers"
    );
    let mut imos = 0;
    for vessel in vessels {
        let remarks = vessel
            .entity
            .details
            .get("remarks")
            .map_or("", String::as_str);
        for (at, _) in remarks.match_indices("IMO ") {
            let digits: String = remarks[at + 4..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let expected = digits.parse::<ImoNumber>().ok();
            let found = vessel
                .entity
                .identifiers
                .iter()
                .any(|i| Some(i) == expected.map(Identifier::Imo).as_ref());
            assert_eq!(found, expected.is_some(), "{} {digits}", vessel.id);
            imos += usize::from(found);
        }
        assert!(
            vessel.entity.details.contains_key("vessel_type")
                || vessel.entity.details.contains_key("vessel_flag"),
            "{}",
            vessel.id
        );
    }
    assert!(imos >= 5);
    // 4243 EBANO: "General Cargo", flag Panama, GRT 1865, IMO 7406784, f.k.a. 'ANA I'.
    let ebano = snapshot.get("4243").expect("EBANO is in the fixture");
    assert_eq!(ebano.entity.details["vessel_type"], "General Cargo");
    assert_eq!(ebano.entity.details["vessel_flag"], "Panama");
    assert_eq!(ebano.entity.details["gross_registered_tonnage"], "1865");
    assert!(ebano
        .entity
        .identifiers
        .contains(&Identifier::Imo("7406784".parse().expect("valid IMO"))));
    assert!(ebano.entity.aliases.contains(&"ANA I".to_owned()));
    assert_eq!(ebano.entity.countries, [Country::new("PA").expect("code")]);
}

#[test]
fn companion_files_add_addresses_aliases_and_remark_overflow() {
    let (sdn, add, alt, comments) = (
        bytes("sdn_tiny_2025-05-16.csv"),
        bytes("add_tiny_2025-05-16.csv"),
        bytes("alt_tiny_2025-05-16.csv"),
        bytes("sdn_comments_tiny_2025-05-16.csv"),
    );
    // watchman's hand-picked subset: no end bytes, and companion rows of entries left out.
    let options = ParseOptions::new()
        .allow_unterminated()
        .allow_unmatched_companion_rows();
    let snapshot = SdnFiles::new("sdn.csv", &sdn)
        .with_addresses("add.csv", &add)
        .with_aliases("alt.csv", &alt)
        .with_comments("sdn_comments.csv", &comments)
        .with_options(options)
        .parse(day(2025, 5, 16))
        .expect("tiny files parse");
    assert_eq!(snapshot.len(), 17);
    let iran = &snapshot.get("11195").expect("11195").entity;
    let add_rows = add
        .split(|&b| b == b'\n')
        .filter(|l| l.starts_with(b"11195,"))
        .count();
    assert_eq!(iran.addresses.len(), add_rows);
    assert!(iran.addresses.contains(
        &"P.O. Box 83145-311, 28 km Esfahan - Tehran Freeway, Shahin Shahr, Esfahan, Iran"
            .to_owned()
    ));
    for alias in [
        "HESA TRADE CENTER",
        "IRAN AIRCRAFT MANUFACTURING INDUSTRIES",
        "HESA",
    ] {
        assert!(iran.aliases.contains(&alias.to_owned()), "{alias}");
    }
    let exchange = &snapshot.get("33151").expect("33151").entity;
    assert!(exchange.details["remarks"]
        .contains("aa35MVkf7sDjuGUYAP5izQt7Qi; Digital Currency Address - ETH"));
    assert!(exchange.aliases.contains(&"SUCCESSFUL EXCHANGE".to_owned()));
}

#[test]
fn belavia_address_and_aliases_come_and_go_with_the_companion_files() {
    let sdn = bytes("sdn_2023-08-09.csv");
    let with = |add: &str, alt: &str| {
        let (add, alt) = (bytes(add), bytes(alt));
        SdnFiles::new("sdn.csv", &sdn)
            .with_addresses("add.csv", &add)
            .with_aliases("alt.csv", &alt)
            .parse(day(2025, 1, 3))
            .expect("parses")
            .get("44541")
            .expect("Belavia")
            .entity
            .clone()
    };
    let january = with("add_belavia_2025-01-03.csv", "alt_belavia_2025-01-03.csv");
    assert_eq!(
        january.addresses,
        ["14A, Nemiga str., Minsk 220004, Belarus"]
    );
    assert_eq!(
        january.aliases,
        [
            "BELAVIA BELARUSIAN AIRLINES",
            "JOINT STOCK COMPANY AVIACOMPANY BELAVIA",
            "OAO AVIAKOMPANIYA BELAVIA"
        ]
    );
    assert_eq!(january.countries, [Country::new("BY").expect("code")]);
    let december = with("add_belavia_2025-12-24.csv", "alt_belavia_2025-12-24.csv");
    assert!(december.addresses.is_empty() && december.aliases.is_empty());
    assert!(december.countries.is_empty());
}

#[test]
fn latin1_text_is_decoded() {
    let row = b"1,\"M\xdcLLER, J\xfcrgen\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
    let snapshot = SdnFiles::new("x.csv", row)
        .parse(day(2025, 1, 1))
        .expect("parses");
    assert_eq!(
        snapshot.get("1").expect("entry").entity.name,
        "MÜLLER, Jürgen"
    );
}

#[test]
fn empty_files_are_refused() {
    for empty in [&b""[..], b"\x1a", b"\r\n\r\n\x1a"] {
        let err = SdnFiles::new("sdn_empty.csv", empty)
            .parse(day(2025, 1, 1))
            .expect_err("empty");
        assert!(matches!(err, ImportError::Empty { .. }), "{err}");
        assert_eq!(err.file(), Some("sdn_empty.csv"));
    }
}

#[test]
fn a_file_cut_in_the_middle_is_refused_with_its_line() {
    let data = bytes("sdn_2023-08-09.csv");
    let half = data.len() / 2;
    // Cut inside the line that holds the middle byte; that line is where the error points.
    let line = data[..half].split(|&b| b == b'\n').count();
    let err = SdnFiles::new("sdn_cut.csv", &data[..half])
        .parse(day(2023, 8, 9))
        .expect_err("cut");
    assert!(matches!(err, ImportError::Truncated { .. }), "{err}");
    assert_eq!((err.file(), err.line()), (Some("sdn_cut.csv"), Some(line)));
    assert!(
        err.to_string()
            .starts_with(&format!("sdn_cut.csv line {line}: ")),
        "{err}"
    );
}

#[test]
fn malformed_records_name_file_and_line() {
    let good =
        "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    let cases = [
        (
            "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"\r\n",
            "expected 12 fields, found 4",
        ),
        (
            "x36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
            "is not a number",
        ),
        (
            "37,\"A\",\"spaceship\",\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
            "unknown SDN_Type",
        ),
        (
            "37,-0- ,-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
            "SDN_Name is empty",
        ),
        (
            "37,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
            "Program field is empty",
        ),
        (good, "appears twice"),
    ];
    for (bad, why) in cases {
        let file = format!("{good}{bad}\x1a");
        let err = SdnFiles::new("bad.csv", file.as_bytes())
            .parse(day(2025, 1, 1))
            .expect_err(why);
        assert!(
            matches!(err, ImportError::Malformed { line: 2, .. }),
            "{err}"
        );
        assert!(
            err.to_string().contains(why) && err.to_string().starts_with("bad.csv line 2: "),
            "{err}"
        );
    }
}
