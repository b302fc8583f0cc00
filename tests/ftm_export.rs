//! Follow the Money export: what each ledger fact becomes, stable ids, states and histories.
//!
//! Also writes the exports that `tests/ftm_check.py` checks with the reference implementation
//! to `target/tmp/ftm/`: the Belavia seed, the trimmed real SDN snapshots of 2023, and a
//! made-up ledger with every kind of identifier.

// "FtM" is a name here, not code.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use sanctions_ledger::chrono::{NaiveDate, TimeZone, Utc};
use sanctions_ledger::ftm::{self, Export, FtmEntity};
use sanctions_ledger::import::ftm::{apply_history, FtmFile, FtmOptions};
use sanctions_ledger::import::{apply_snapshot, ofac, ReconcileOptions};
use sanctions_ledger::*;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test dates are valid")
}

fn seed() -> Ledger {
    Ledger::from_json_str(include_str!("../seeds/belavia.json")).expect("the seed loads")
}

fn sdn_fixtures() -> Ledger {
    let mut ledger = Ledger::new();
    let mut previous = None;
    for name in [
        "sdn_2023-08-03.csv",
        "sdn_2023-08-09.csv",
        "sdn_2023-09-06.csv",
    ] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ofac")
            .join(name);
        let date = ofac::date_from_file_name(&path).expect("dated");
        let mut options = ReconcileOptions::new(date.and_hms_opt(12, 0, 0).unwrap().and_utc());
        if let Some(previous) = previous {
            options = options.previous(previous);
        }
        apply_snapshot(&mut ledger, &ofac::read_sdn(&path, date).unwrap(), &options).unwrap();
        previous = Some(date);
    }
    ledger
}

fn by_id<'a>(entities: &'a [FtmEntity], id: &str) -> &'a FtmEntity {
    entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("{id} exported"))
}

#[test]
fn exports_for_the_reference_check_are_written() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ftm");
    std::fs::create_dir_all(&dir).unwrap();
    let seed = seed();
    let sdn = sdn_fixtures();
    let known_then = seed.known_at("2025-09-12T00:00:00Z".parse().unwrap());
    let (identifiers, _) = every_identifier();
    for (name, view, export) in [
        (
            "identifiers-history",
            identifiers.current(),
            Export::history(),
        ),
        ("belavia-history", seed.current(), Export::history()),
        (
            "belavia-2025-10-01",
            seed.current(),
            Export::state_on(day("2025-10-01")),
        ),
        (
            "belavia-2025-11-05-known-2025-09-12",
            known_then,
            Export::state_on(day("2025-11-05")),
        ),
        (
            "sdn-2023-history",
            sdn.current(),
            Export::history().dataset("us_ofac_sdn"),
        ),
        (
            "sdn-2023-09-06",
            sdn.current(),
            Export::state_on(day("2023-09-06")),
        ),
    ] {
        let mut lines = Vec::new();
        let written = export.write(view, &mut lines).unwrap();
        assert!(written > 0);
        assert_eq!(String::from_utf8_lossy(&lines).lines().count(), written);
        std::fs::write(dir.join(format!("{name}.ftm.json")), &lines).unwrap();
        // What was written is what `entities` returns.
        let parsed: Vec<FtmEntity> = String::from_utf8(lines)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed, export.entities(view), "{name}");
    }
}

#[test]
fn ids_derive_from_the_ledger_and_do_not_change_between_exports() {
    let seed = seed();
    let history = Export::history().entities(seed.current());
    assert_eq!(history, Export::history().entities(seed.current()));
    let state = Export::state_on(day("2025-10-01")).entities(seed.current());
    let belavia = ftm::entity_id(EntityId::derive("belavia"));
    let us = ftm::designation_id(DesignationId::derive("us-ofac:44541"));
    let gl11 = ftm::licence_id(LicenceId::derive("us-ofac:belarus-gl-11"));
    for id in [&belavia, &us, &gl11] {
        assert!(history.iter().any(|e| &e.id == id) && state.iter().any(|e| &e.id == id));
    }
    // Every id is one FtM accepts: letters, digits, '-' and '.', at most 200 characters.
    for entity in &history {
        assert!(entity.id.len() <= 200);
        assert!(entity
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    }
}

#[test]
fn a_designation_is_a_sanction_with_its_dates_terms_and_source() {
    let seed = seed();
    let history = Export::history().entities(seed.current());
    let us = by_id(
        &history,
        &ftm::designation_id(DesignationId::derive("us-ofac:44541")),
    );
    let get = |p| us.get(p).to_vec();
    assert_eq!(us.schema, "Sanction");
    assert_eq!(get("entity"), [ftm::entity_id(EntityId::derive("belavia"))]);
    assert_eq!(get("authority"), ["US-OFAC"]);
    assert_eq!(get("publisher"), ["US-OFAC/SDN"]); // the designation's list
    assert_eq!(get("country"), ["us"]);
    assert_eq!(get("authorityId"), ["44541"]);
    assert_eq!(get("program"), ["BELARUS-EO14038"]);
    assert_eq!(get("programId"), ["US-OFAC/BELARUS-EO14038"]);
    assert_eq!(get("provisions"), ["Asset freeze"]);
    assert_eq!(get("startDate"), ["2023-08-09"]);
    assert_eq!(get("endDate"), ["2025-11-04"]); // the first day not listed
    assert_eq!(get("listingDate"), ["2023-08-09"]);
    assert_eq!(get("status"), ["Delisted"]);
    assert_eq!(get("summary"), ["Executive Order 14038"]);
    assert_eq!(
        get("recordId"),
        [DesignationId::derive("us-ofac:44541").to_string()]
    );
    assert!(us
        .first("sourceUrl")
        .is_some_and(|u| u.starts_with("https://")));

    // The EU renewal of 2023-02-24 amended the terms: the latest terms, and when.
    let eu = by_id(
        &history,
        &ftm::designation_id(DesignationId::derive("eu:belavia")),
    );
    assert_eq!(eu.get("modifiedAt"), ["2023-02-24"]);
    assert!(eu.first("summary").is_some_and(|s| s.contains("2023/419")));
    assert_eq!(eu.get("status"), ["Active"]);
    assert!(eu.get("endDate").is_empty());
    // A state shows the terms of its date, the designation in force without its end.
    let earlier = Export::state_on(day("2022-06-01")).entities(seed.current());
    let eu_then = by_id(&earlier, &eu.id);
    assert!(eu_then
        .first("summary")
        .is_some_and(|s| s.contains("2021/2124")));
    assert!(eu_then.get("modifiedAt").is_empty());
    let us_then = Export::state_on(day("2025-10-01")).entities(seed.current());
    let us_then = by_id(&us_then, &us.id);
    assert_eq!(
        (us_then.get("status"), us_then.get("endDate")),
        (&["Licensed".to_owned()][..], &[][..])
    );
}

#[test]
fn a_licence_is_an_event_naming_the_entities_it_covers() {
    let seed = seed();
    let history = Export::history().entities(seed.current());
    let gl12 = by_id(
        &history,
        &ftm::licence_id(LicenceId::derive("us-ofac:belarus-gl-12")),
    );
    assert_eq!(gl12.schema, "Event");
    assert_eq!(gl12.get("name"), ["Belarus General License 12"]);
    assert_eq!(gl12.get("publisher"), ["US-OFAC"]);
    assert_eq!(gl12.get("involved").len(), 3);
    assert_eq!(gl12.get("startDate"), ["2025-11-04"]);
    assert_eq!(gl12.get("date"), ["2026-03-02"]); // published in the Federal Register
    assert_eq!(gl12.get("keywords"), ["general licence"]);
    let gl11 = by_id(
        &history,
        &ftm::licence_id(LicenceId::derive("us-ofac:belarus-gl-11")),
    );
    assert_eq!(
        gl11.get("keywords"),
        ["general licence", "covers owned entities"]
    );
    assert_eq!(gl11.get("summary"), ["all transactions"]);
    assert_eq!(gl11.get("description").len(), 1); // what it does not authorise
                                                  // No Sanction for the aircraft GL 12 names: a licence does not list anybody.
    for aircraft in gl12.get("involved") {
        assert!(!history
            .iter()
            .any(|e| e.schema == "Sanction" && e.get("entity").contains(aircraft)));
        assert!(by_id(&history, aircraft).get("topics").is_empty());
    }
}

/// A ledger of one entity of each kind with every identifier and detail it can carry.
fn every_identifier() -> (Ledger, [EntityId; 4]) {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let ids = ["org", "ship", "plane", "person"].map(EntityId::derive);
    let country = |c| Country::new(c).unwrap();
    let org = Entity::new(EntityKind::Organisation, "ACME SHIPPING LLC")
        .with_alias("'ACME'")
        .with_country(country("AE"))
        .with_address("Office 1;\nDubai")
        .with_identifier(Identifier::list_entry(Authority::US_OFAC, "50001"))
        .with_identifier(Identifier::list_entry(Authority::UN, "QDe.001"))
        .with_identifier(Identifier::list_entry(Authority::EU, "EU.1.2"))
        .with_identifier(Identifier::ImoCompany("5305560".parse().unwrap()))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::TaxId,
            "7701",
        )))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::Registration,
            "R-1",
        )))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::Lei,
            "5493001KJTIIGC8Y1R12",
        )))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::Lei,
            "NOT-A-LEI",
        )))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::SwiftBic,
            "ACMEAEADXXX",
        )))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::SwiftBic,
            "SOMRRUM1KST",
        )))
        .with_identifier(Identifier::DigitalCurrencyAddress {
            currency: "ETH".into(),
            address: "0x7F367cC41522cE07553e823bf3be79A889DEbe1B".into(),
        })
        .with_detail("remarks", "Website acme.example.");
    let ship = Entity::new(EntityKind::Vessel, "SEA STAR")
        .with_identifier(Identifier::list_entry(Authority::US_OFAC, "50002"))
        .with_identifier(Identifier::Imo("9074729".parse().unwrap()))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::Registration,
            "S-9",
        )))
        .with_detail("call_sign", "9LY2");
    let plane = Entity::new(EntityKind::Aircraft, "EW-301PJ")
        .with_identifier(Identifier::list_entry(Authority::US_OFAC, "50003"))
        .with_identifier(Identifier::AircraftRegistration("EW-301PJ".into()))
        .with_identifier(Identifier::AircraftSerial("8057".into()));
    let person = Entity::new(EntityKind::Person, "Jane  DOE")
        .with_identifier(Identifier::list_entry(Authority::US_OFAC, "50004"))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::Passport,
            "P1",
        )))
        .with_identifier(Identifier::Document(Document::new(
            DocumentKind::NationalId,
            "N1",
        )))
        .with_identifier(Identifier::Other {
            scheme: "tax-id-BY".into(),
            value: "600390798".into(),
        });
    let mut changes = Vec::new();
    for (n, (id, record)) in ids.iter().zip([org, ship, plane, person]).enumerate() {
        let name = format!("e{n}");
        changes.push(Change::new(
            ChangeId::derive(&name),
            day("2024-01-01"),
            at,
            Source::new("made up"),
            ChangeKind::RegisterEntity {
                entity: *id,
                record: Box::new(record),
            },
        ));
        changes.push(Change::new(
            ChangeId::derive(&format!("d{n}")),
            day("2024-01-01"),
            at,
            Source::new("made up"),
            ChangeKind::Designate {
                designation: DesignationId::derive(&name),
                record: Box::new(Designation::new(
                    *id,
                    Authority::US_OFAC,
                    DesignationTerms::new(Measure::AssetFreeze),
                )),
            },
        ));
    }
    (Ledger::from_changes(changes).unwrap(), ids)
}

#[test]
fn identifiers_go_to_their_ftm_properties_and_misfits_to_notes() {
    let (ledger, [org, ship, plane, person]) = every_identifier();
    let entities = Export::history().entities(ledger.current());
    let get = |id: EntityId, p: &str| by_id(&entities, &ftm::entity_id(id)).get(p).to_vec();
    assert_eq!(get(org, "alias"), ["ACME"]); // FtM drops the quotes around a name
    assert_eq!(get(org, "country"), ["ae"]);
    assert_eq!(get(org, "address"), ["Office 1, Dubai"]);
    assert_eq!(get(org, "imoNumber"), ["IMO5305560"]);
    assert_eq!(get(org, "taxNumber"), ["7701"]);
    assert_eq!(get(org, "registrationNumber"), ["R-1"]);
    assert_eq!(get(org, "leiCode"), ["5493001KJTIIGC8Y1R12"]);
    assert_eq!(get(org, "idNumber"), ["NOT-A-LEI"]);
    // FtM keeps 8 characters of a BIC: a branch's whole code also goes to a note.
    assert_eq!(get(org, "swiftBic"), ["ACMEAEAD", "SOMRRUM1"]);
    // An EU list entry with no EU Sanction in the export is kept as a note.
    assert_eq!(
        get(org, "notes"),
        [
            "listEntry: EU EU.1.2",
            "swiftBic: SOMRRUM1KST",
            "remarks: Website acme.example."
        ]
    );
    let sanction = by_id(&entities, &ftm::designation_id(DesignationId::derive("e0")));
    assert_eq!(
        (sanction.get("authorityId"), sanction.get("unscId")),
        (&["50001".to_owned()][..], &["QDe.001".to_owned()][..])
    );
    let wallet = entities
        .iter()
        .find(|e| e.schema == "CryptoWallet")
        .expect("a wallet");
    assert_eq!(wallet.get("holder"), [ftm::entity_id(org)]);
    assert_eq!(wallet.get("currency"), ["ETH"]);

    assert_eq!(get(ship, "imoNumber"), ["IMO9074729"]);
    assert_eq!(get(ship, "callSign"), ["9LY2"]);
    // A vessel has no registrationNumber for documents: a note.
    assert_eq!(get(ship, "notes"), ["idNumber: S-9", "call_sign: 9LY2"]);
    assert_eq!(get(plane, "registrationNumber"), ["EW-301PJ"]);
    assert_eq!(get(plane, "serialNumber"), ["8057"]);
    assert_eq!(get(person, "name"), ["Jane DOE"]);
    assert_eq!(get(person, "passportNumber"), ["P1"]);
    assert_eq!(get(person, "idNumber"), ["N1", "600390798"]);
}

#[test]
fn identifiers_read_back_as_the_mapping_table_says() {
    let (ledger, ids) = every_identifier();
    let mut lines = Vec::new();
    Export::history()
        .write(ledger.current(), &mut lines)
        .unwrap();
    let file = FtmFile::parse("ids.ftm.json", &lines).unwrap();
    let mut read = Ledger::new();
    let at = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    apply_history(&mut read, &file, &FtmOptions::new(), at).unwrap();
    let now = read.current();
    for id in ids {
        let original = ledger.current().entity(id).unwrap().clone();
        let list_id = original
            .identifiers
            .iter()
            .find_map(|i| match i {
                Identifier::ListEntry { authority, id } if *authority == Authority::US_OFAC => {
                    Some(id.clone())
                }
                _ => None,
            })
            .unwrap();
        let found = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, list_id));
        let back = now.entity(found[0]).unwrap();
        let keys = |e: &Entity| {
            let mut keys: Vec<String> = e.identifiers.iter().map(Identifier::lookup_key).collect();
            keys.sort();
            keys
        };
        // Lossy, as the table says: the kind of an `Other` identifier (read back as a
        // national id), and an LEI that fails its check (read back as a national id too).
        let expected: Vec<String> = keys(&original)
            .into_iter()
            .map(|k| match k.as_str() {
                "other:TAXIDBY:600390798" => "doc:national_id:600390798".to_owned(),
                "doc:lei:NOTALEI" => "doc:national_id:NOTALEI".to_owned(),
                "doc:swift_bic:ACMEAEADXXX" => "doc:swift_bic:ACMEAEAD".to_owned(),
                "doc:registration:S9" => "doc:national_id:S9".to_owned(),
                _ => k,
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(keys(back), expected, "{}", original.name);
        assert_eq!(back.kind, original.kind);
        assert_eq!(back.details, original.details, "{}", original.name);
    }
}
