//! OFAC ENHANCED XML: the trimmed real Consolidated list of 2024-07-03, 2025-01-10 and
//! 2026-01-08, plain and zipped, and the files it must refuse.

use std::collections::BTreeSet;
use std::path::PathBuf;

use sanctions_ledger::chrono::NaiveDate;
use sanctions_ledger::import::ofac_enhanced::{
    self, DatePeriod, EnhancedFile, FeatureDate, RelationshipKind,
};
use sanctions_ledger::import::ImportError;
use sanctions_ledger::{Authority, Country, Document, DocumentKind, EntityKind, Identifier};

const D1: &str = "cons_enhanced_2024-07-03.xml";
const D2: &str = "cons_enhanced_2025-01-10.xml";
const D3: &str = "cons_enhanced_2026-01-08.xml";
const ZIP: &str = "CONS_ENHANCED_2025-01-10.zip";

fn path(dir: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path("ofac_enhanced", name)).expect("fixture")
}

fn parse(name: &str) -> EnhancedFile {
    ofac_enhanced::parse(name, &bytes(name)).expect("parses")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// `<entity id="…">` values found the plain way, by scanning the text.
fn scanned_ids(name: &str) -> BTreeSet<u64> {
    let text = String::from_utf8(bytes(name)).expect("utf-8");
    text.split("<entity id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("quote")].parse().expect("id"))
        .collect()
}

fn ids(file: &EnhancedFile) -> BTreeSet<u64> {
    file.entities.iter().map(|e| e.id).collect()
}

/// The lists an entity is on, with their `datePublished`.
fn lists(file: &EnhancedFile, id: u64) -> Vec<(String, NaiveDate)> {
    let entity = file.get(id).expect("entity");
    entity
        .lists
        .iter()
        .map(|m| (m.list.value.clone(), m.date_published))
        .collect()
}

#[test]
fn every_entity_of_each_snapshot_is_read_with_its_date() {
    for (name, date, count) in [
        (D1, day(2024, 7, 3), 17),
        (D2, day(2025, 1, 10), 17),
        (D3, day(2026, 1, 8), 16),
    ] {
        let file = parse(name);
        assert_eq!(file.data_as_of, date, "{name}");
        assert_eq!(file.entities.len(), count, "{name}");
        assert_eq!(ids(&file), scanned_ids(name), "{name}");
        assert_eq!(file.list_filters.len(), 1);
        assert_eq!(file.list_filters[0].value, "Consolidated List");
        assert_eq!(file.list_filters[0].ref_id, 91512);
        assert!(file.program_filters.is_empty());
        // Every entity is on the Consolidated list, has a primary name and a type.
        for entity in &file.entities {
            assert!(
                entity.list("Consolidated List").is_some(),
                "{name} {}",
                entity.id
            );
            assert!(entity.primary_name().is_some_and(|n| !n.is_empty()));
            assert!(matches!(
                entity.kind(),
                EntityKind::Person | EntityKind::Organisation
            ));
        }
    }
}

#[test]
fn the_zip_holds_the_same_file_as_the_plain_xml() {
    let zipped = parse(ZIP);
    let plain = parse(D2);
    assert_eq!(zipped.file, format!("{ZIP} (CONS_ENHANCED.XML)"));
    assert_eq!(zipped.data_as_of, plain.data_as_of);
    assert_eq!(zipped.entities, plain.entities);
    assert_eq!(zipped.reference_values, plain.reference_values);
    assert_eq!(zipped.feature_types, plain.feature_types);
    let read = ofac_enhanced::read(&path("ofac_enhanced", ZIP)).expect("reads");
    assert_eq!(read.entities, plain.entities);
}

#[test]
fn removals_additions_and_list_moves_show_between_snapshots() {
    let (a, b, c) = (parse(D1), parse(D2), parse(D3));
    // Prominvestbank is removed by 2025-01-10, Kayakiran by 2026-01-08; Martelly is added.
    assert!(a.get(18293).is_some() && b.get(18293).is_none() && c.get(18293).is_none());
    assert!(b.get(26182).is_some() && c.get(26182).is_none());
    assert!(a.get(50476).is_none() && b.get(50476).is_some() && c.get(50476).is_some());
    assert_eq!(&ids(&a) - &ids(&b), BTreeSet::from([18293]));
    assert_eq!(&ids(&b) - &ids(&a), BTreeSet::from([50476]));
    assert_eq!(&ids(&b) - &ids(&c), BTreeSet::from([26182]));
    assert!((&ids(&c) - &ids(&b)).is_empty());

    // Gazprombank: NS-MBS in 2024, SDN from 2024-11-21 in 2025.
    let ssi = (
        "Sectoral Sanctions Identifications List".to_owned(),
        day(2014, 7, 16),
    );
    let cons = ("Consolidated List".to_owned(), day(2014, 10, 10));
    assert_eq!(
        lists(&a, 17016),
        [
            ssi.clone(),
            cons.clone(),
            ("Non-SDN Menu-Based Sanctions List".into(), day(2022, 2, 24))
        ]
    );
    assert_eq!(
        lists(&b, 17016),
        [
            ssi.clone(),
            cons.clone(),
            ("SDN List".into(), day(2024, 11, 21))
        ]
    );
    assert_eq!(lists(&c, 17016), lists(&b, 17016));
    // Gazprom Neft and Surgutneftegas reach the SDN list on 2025-01-10.
    for id in [17143, 17145] {
        assert!(a.get(id).and_then(|e| e.list("SDN List")).is_none());
        assert_eq!(
            b.get(id)
                .and_then(|e| e.list("SDN List"))
                .map(|m| m.date_published),
            Some(day(2025, 1, 10))
        );
    }
    // Rosneft, Lukoil and two Rosneft subsidiaries on 2025-10-22.
    for id in [17022, 17248, 18267, 18276] {
        assert!(b.get(id).and_then(|e| e.list("SDN List")).is_none(), "{id}");
        assert_eq!(
            c.get(id)
                .and_then(|e| e.list("SDN List"))
                .map(|m| m.date_published),
            Some(day(2025, 10, 22)),
            "{id}"
        );
    }
    // A subsidiary that moves to the SDN list keeps its older date: not a start date.
    assert_eq!(
        b.get(20312)
            .and_then(|e| e.list("SDN List"))
            .map(|m| m.date_published),
        Some(day(2016, 9, 1))
    );
    // Amendments by 2026-01-08: Rosoboroneksport loses the SYRIA program, VTB Bank Belarus an alias.
    let programs = |file: &EnhancedFile, id| -> Vec<String> {
        file.get(id)
            .expect("entity")
            .programs
            .iter()
            .map(|p| p.value.value.clone())
            .collect()
    };
    assert!(programs(&b, 18782).contains(&"SYRIA".to_owned()));
    assert!(!programs(&c, 18782).contains(&"SYRIA".to_owned()));
    assert_eq!(
        b.get(18721).map(|e| e.names.len()),
        c.get(18721).map(|e| e.names.len() + 1)
    );
    // Unchanged entities read the same in all three.
    let unlined = |file: &EnhancedFile, id| {
        let mut entity = file.get(id).expect("entity").clone();
        entity.line = 0;
        entity
    };
    for id in [9647, 15268, 30947, 32087] {
        assert_eq!(unlined(&a, id), unlined(&b, id), "{id}");
        assert_eq!(unlined(&b, id), unlined(&c, id), "{id}");
    }
}

#[test]
fn general_info_programs_types_authorities_and_names() {
    let file = parse(D1);
    let gpb = file.get(17016).expect("Gazprombank");
    assert_eq!(gpb.identity_id, Some(8760));
    assert_eq!(gpb.entity_type.value, "Entity");
    assert_eq!(gpb.entity_type.ref_id, 601);
    assert!(gpb
        .remarks
        .as_deref()
        .is_some_and(|r| r.starts_with("For more information on directives")));
    let values = |m: &[ofac_enhanced::Membership]| {
        m.iter().map(|x| x.value.value.clone()).collect::<Vec<_>>()
    };
    assert_eq!(values(&gpb.programs), ["UKRAINE-EO13662", "RUSSIA-EO14024"]);
    assert_eq!(
        values(&gpb.sanctions_types),
        [
            "13662 Sectoral Directive 1",
            "Executive Order 14024 Directive 3"
        ]
    );
    assert_eq!(
        values(&gpb.legal_authorities),
        [
            "Executive Order 13662 (Ukraine)",
            "Executive Order 14024 (Russia)"
        ]
    );
    assert_eq!(gpb.sanctions_types[1].id, 27362);
    // Names: one primary with a Cyrillic translation; aliases with their type.
    assert_eq!(gpb.names.len(), 5);
    let primary = &gpb.names[0];
    assert!(primary.is_primary && !primary.is_low_quality && primary.alias_type.is_none());
    assert_eq!(primary.translations.len(), 2);
    assert_eq!(primary.translations[1].script.value, "Cyrillic");
    assert_eq!(
        primary.translations[1].full_name,
        "ГАЗПРОМБАНК АКЦИОНЕРНОЕ ОБЩЕСТВО"
    );
    assert_eq!(primary.translations[0].parts[0].kind.value, "Entity Name");
    assert_eq!(
        primary.translations[0].parts[0].value,
        "Gazprombank Joint Stock Company"
    );
    let alias_types: Vec<&str> = gpb.names[1..]
        .iter()
        .map(|n| n.alias_type.as_ref().map_or("", |t| t.value.as_str()))
        .collect();
    assert_eq!(alias_types, ["F.K.A.", "A.K.A.", "A.K.A.", "F.K.A."]);
    // A low-quality alias, and an individual's name parts.
    let all = [parse(D1), parse(D2), parse(D3)];
    let low = all
        .iter()
        .flat_map(|f| &f.entities)
        .flat_map(|e| &e.names)
        .filter(|n| n.is_low_quality)
        .count();
    let text_low: usize = [D1, D2, D3]
        .iter()
        .map(|n| {
            String::from_utf8(bytes(n))
                .expect("utf-8")
                .matches("<isLowQuality>true</isLowQuality>")
                .count()
        })
        .sum();
    assert_eq!(low, text_low);
    let kayakiran = file.get(26182).expect("Kayakiran");
    assert_eq!(kayakiran.kind(), EntityKind::Person);
    let latin = &kayakiran.names[0].translations[0];
    assert_eq!(latin.first_name.as_deref(), Some("Evren"));
    assert_eq!(latin.last_name.as_deref(), Some("KAYAKIRAN"));
}

#[test]
fn addresses_documents_and_reference_values() {
    let file = parse(D1);
    let gpb = file.get(17016).expect("Gazprombank");
    let address = &gpb.addresses[0];
    assert_eq!(address.id, 25807);
    assert_eq!(
        address.country.as_ref().map(|c| c.value.as_str()),
        Some("Russia")
    );
    let parts: Vec<(&str, &str)> = address.translations[0]
        .parts
        .iter()
        .map(|p| (p.kind.value.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        parts,
        [
            ("ADDRESS1", "16 Nametkina Street"),
            ("ADDRESS2", "Bldg. 1"),
            ("CITY", "Moscow"),
            ("POSTAL CODE", "117420")
        ]
    );
    let russia = file.reference_values.get(&11171).expect("Russia");
    assert_eq!(
        (
            russia.kind.as_str(),
            russia.value.as_str(),
            russia.iso_code.as_deref()
        ),
        ("COUNTRY", "Russia", Some("RU"))
    );
    assert_eq!(
        file.country(address.country.as_ref().expect("country")),
        Country::new("RU").ok()
    );
    // Identity documents.
    let docs: Vec<(&str, &str, bool)> = gpb
        .documents
        .iter()
        .map(|d| (d.kind.value.as_str(), d.number.as_str(), d.is_valid))
        .collect();
    assert_eq!(
        docs,
        [
            ("Registration Number", "1027700167110", true),
            ("Government Gazette Number", "09807684", true),
            ("Tax ID No.", "7744001497", true)
        ]
    );
    assert_eq!(gpb.documents[0].name, "GAZPROMBANK JOINT STOCK COMPANY");
    assert_eq!(gpb.documents[0].name_id, Some(26091));
    assert_eq!(
        gpb.documents[0].issuing_country.as_ref().map(|c| c.ref_id),
        Some(11171)
    );
    let passport = &file.get(26182).expect("Kayakiran").documents[0];
    assert_eq!(passport.kind.value, "Passport");
    // Feature types are kept whole.
    let birth = file
        .feature_types
        .values()
        .find(|t| t.name == "Birthdate")
        .expect("Birthdate");
    assert_eq!(birth.id, 8);
    assert_eq!(
        birth.detail_type.as_ref().map(|d| d.value.as_str()),
        Some("DATE")
    );
    assert_eq!(birth.publish_exclude, Some(false));
    // Only the reference values the kept entities use were kept, and they all resolve.
    for entity in &file.entities {
        for list in &entity.lists {
            assert!(
                file.reference_values.contains_key(&list.list.ref_id),
                "{}",
                list.list.value
            );
        }
    }
}

#[test]
fn dated_features_cmic_and_directive_dates() {
    let file = parse(D2);
    let gpb = file.get(17016).expect("Gazprombank");
    let dated: Vec<(FeatureDate, Option<NaiveDate>)> = gpb
        .dated_features()
        .map(|(kind, f)| (kind, f.value_date.as_ref().and_then(DatePeriod::date)))
        .collect();
    assert!(dated.contains(&(
        FeatureDate::DirectiveListing("EO 14024 Directive 3".into()),
        Some(day(2022, 2, 24))
    )));
    assert!(dated.contains(&(
        FeatureDate::DirectiveEffective("EO 14024 Directive 3".into()),
        Some(day(2022, 3, 26))
    )));
    assert!(dated.contains(&(
        FeatureDate::Other("Organization Established Date".into()),
        Some(day(1990, 7, 31))
    )));
    let listing = gpb
        .features
        .iter()
        .find(|f| f.kind.value.starts_with("Listing Date (EO 14024"))
        .expect("listing feature");
    assert_eq!(listing.value, "24 Feb 2022");
    assert_eq!(listing.kind.ref_id, 953);
    assert_eq!(listing.version_id, Some(44548));
    assert!(listing.is_primary);
    let swift = gpb
        .features
        .iter()
        .find(|f| f.kind.value == "SWIFT/BIC")
        .expect("SWIFT");
    assert_eq!(swift.value, "GAZPRUMM");
    assert!(swift.value_date.is_none() && swift.date_kind().is_none());
    let directive = gpb
        .features
        .iter()
        .find(|f| f.kind.ref_id == 204)
        .expect("EO 13662 directive");
    assert_eq!(directive.value_ref_id, Some(91521));
    // CMIC: Huawei Technologies has a listing, an effective and a divestment date.
    let huawei = file.get(30947).expect("Huawei");
    let kinds: BTreeSet<String> = huawei
        .dated_features()
        .filter(|(_, f)| f.value_date.as_ref().and_then(DatePeriod::date).is_some())
        .map(|(k, _)| format!("{k:?}"))
        .collect();
    for kind in ["CmicListing", "CmicEffective", "CmicDivestment"] {
        assert!(kinds.contains(kind), "{kinds:?}");
    }
    assert!(huawei.list("Non-SDN CMIC List").is_some());
}

#[test]
fn relationships_name_the_related_entity() {
    let file = parse(D3);
    let rel = |id: u64| &file.get(id).expect("entity").relationships;
    for (child, parent) in [
        (20312, 17016),
        (23577, 17145),
        (18267, 17022),
        (18276, 17022),
    ] {
        let r = &rel(child)[0];
        assert_eq!(
            r.relationship_kind(),
            RelationshipKind::OwnedOrControlledBy,
            "{child}"
        );
        assert_eq!(r.related_entity, parent);
        assert!(file.get(parent).is_some(), "{parent} is kept");
        assert_eq!(
            r.related_name,
            file.get(parent)
                .and_then(|p| p.primary_name())
                .unwrap_or("")
        );
        assert!(r.date_range.is_none());
    }
    let huawei = &rel(32087)[0];
    assert_eq!(
        huawei.relationship_kind(),
        RelationshipKind::OwnsControlsOrOperates
    );
    assert_eq!(huawei.related_entity, 30947);
    let hamas = &rel(9647)[0];
    assert_eq!(hamas.relationship_kind(), RelationshipKind::ActingFor);
    assert_eq!(
        (hamas.related_entity, hamas.related_name.as_str()),
        (4695, "HAMAS")
    );
    assert!(file.get(4695).is_none());
}

#[test]
fn records_become_entities() {
    let file = parse(D2);
    let gpb = file.entity(file.get(17016).expect("Gazprombank"));
    assert_eq!(gpb.kind, EntityKind::Organisation);
    assert_eq!(gpb.name, "GAZPROMBANK JOINT STOCK COMPANY");
    for alias in ["BANK GPB JSC", "ГАЗПРОМБАНК АКЦИОНЕРНОЕ ОБЩЕСТВО"]
    {
        assert!(gpb.aliases.iter().any(|a| a == alias), "{alias}");
    }
    assert!(gpb
        .identifiers
        .contains(&Identifier::list_entry(Authority::US_OFAC, "17016")));
    assert!(gpb.identifiers.contains(&Identifier::Document(
        Document::new(DocumentKind::TaxId, "7744001497")
            .with_scheme("Tax ID No.")
            .with_country(Country::new("RU").expect("RU"))
    )));
    assert!(gpb.identifiers.contains(&Identifier::Document(
        Document::new(DocumentKind::SwiftBic, "GAZPRUMM").with_scheme("SWIFT/BIC")
    )));

    // The 2025 entry has branch addresses abroad too; every address country is an ISO code.
    assert!(gpb.countries.contains(&Country::new("RU").expect("RU")));
    assert_eq!(gpb.countries.len(), 5);
    assert!(gpb
        .addresses
        .contains(&"16 Nametkina Street, Bldg. 1, Moscow, 117420, Russia".to_owned()));
    assert_eq!(
        gpb.details.get("website").map(String::as_str),
        Some("www.gazprombank.ru")
    );
    assert_eq!(
        gpb.details
            .get("organization_established_date")
            .map(String::as_str),
        Some("31 Jul 1990")
    );
    let martelly = file.entity(file.get(50476).expect("Martelly"));
    assert_eq!(martelly.kind, EntityKind::Person);
    assert_eq!(martelly.name, "MARTELLY, Michel Joseph");
    assert!(martelly.details.contains_key("date_of_birth"));
    assert!(martelly.identifiers.iter().any(|i| matches!(
        i,
        Identifier::Document(d) if d.kind == DocumentKind::NationalId
            && d.scheme.as_deref() == Some("National ID No.")
    )));
}

// ---- refusals ----

fn refused(name: &str, bytes: &[u8]) -> ImportError {
    ofac_enhanced::parse(name, bytes).expect_err("refused")
}

#[test]
fn an_empty_file_is_refused() {
    for bytes in [&b""[..], b"  \r\n"] {
        assert!(
            matches!(refused("empty.xml", bytes), ImportError::Empty { ref file } if file == "empty.xml")
        );
    }
    // A well-formed file without entities is empty too.
    let text = String::from_utf8(bytes(D1)).expect("utf-8");
    let start = text.find("<entities>").expect("entities") + "<entities>".len();
    let end = text.find("  </entities>").expect("end");
    let hollow = format!("{}{}", &text[..start], &text[end..]);
    assert!(matches!(
        refused("hollow.xml", hollow.as_bytes()),
        ImportError::Empty { .. }
    ));
}

#[test]
fn a_file_cut_anywhere_is_refused_as_truncated() {
    let full = bytes(D1);
    let text = String::from_utf8(full.clone()).expect("utf-8");
    // Cut after the header, inside the reference values, between two entities, inside an
    // entity, inside a tag, and just before the root's end tag.
    let between = text.find("    <entity id=\"17016\">").expect("entity");
    let cuts = [
        text.find("<publicationInfo>").expect("pi") + 20,
        text.find("</referenceValues>").expect("rv") - 3,
        between,
        between + 500,
        between + 3,
        text.rfind("</sanctionsData>").expect("root end"),
        full.len() - 2,
    ];
    for cut in cuts {
        let error = refused("cut.xml", &full[..cut]);
        assert!(
            matches!(error, ImportError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
        assert_eq!(error.file(), Some("cut.xml"));
    }
}

#[test]
fn a_file_without_publication_info_is_refused() {
    let text = String::from_utf8(bytes(D2)).expect("utf-8");
    let start = text.find("  <publicationInfo>").expect("pi");
    let end = text.find("</publicationInfo>\n").expect("pi end") + "</publicationInfo>\n".len();
    let without = format!("{}{}", &text[..start], &text[end..]);
    let error = refused("no-pi.xml", without.as_bytes());
    assert!(matches!(error, ImportError::Malformed { .. }), "{error}");
    assert!(
        error.to_string().contains("publicationInfo/dataAsOf"),
        "{error}"
    );
}

#[test]
fn a_zip_that_fails_its_crc_or_is_cut_is_refused() {
    let zip = bytes(ZIP);
    // The local header's CRC-32 is at offset 14, the central directory's 16 bytes into its
    // entry: change both, as a damaged archive would have them disagree with the data.
    let central = zip
        .windows(4)
        .rposition(|w| w == b"PK\x01\x02")
        .expect("central directory");
    let mut bad = zip.clone();
    for at in [14, central + 16] {
        bad[at] ^= 0xff;
    }
    let error = refused(ZIP, &bad);
    assert!(matches!(error, ImportError::Archive { .. }), "{error}");
    assert!(error.to_string().contains("CONS_ENHANCED.XML"), "{error}");
    assert!(error.to_string().contains("checksum"), "{error}");
    // Cut short: without its central directory the archive cannot be read.
    for cut in [zip.len() / 2, zip.len() - 10, 100] {
        let error = refused(ZIP, &zip[..cut]);
        assert!(
            matches!(error, ImportError::Archive { .. }),
            "cut at {cut}: {error}"
        );
    }
}

#[test]
fn files_of_another_type_are_named() {
    let un = std::fs::read(path("un", "un_consolidated_2018-08-24.xml")).expect("UN fixture");
    let sdn = std::fs::read(path("ofac", "sdn_2023-08-03.csv")).expect("SDN fixture");
    let eu = std::fs::read(path("eu", "fsf_2026-08-05.xml")).expect("EU fixture");
    for (bytes, looks_like) in [
        (&un[..], "a UN Security Council consolidated list (XML)"),
        (&sdn[..], "an OFAC legacy CSV"),
        (&eu[..], "an EU Financial Sanctions Files XML"),
        (
            b"<html><body>Service unavailable</body></html>",
            "an HTML page",
        ),
        (b"\x00\x01garbage", "binary data"),
    ] {
        let error = refused("download", bytes);
        let ImportError::WrongFormat {
            expected, found, ..
        } = &error
        else {
            panic!("{error}");
        };
        assert_eq!(*expected, "an OFAC ENHANCED XML");
        assert!(
            found.starts_with(&format!("it looks like {looks_like}")),
            "{found}"
        );
    }
}

#[test]
fn bad_values_are_malformed_with_their_line() {
    let text = String::from_utf8(bytes(D2)).expect("utf-8");
    let twice = text.replace("<entity id=\"9647\">", "<entity id=\"15268\">");
    let error = refused("twice.xml", twice.as_bytes());
    assert!(
        error.to_string().contains("entity id 15268 appears twice"),
        "{error}"
    );
    let bad_date = text.replacen(
        "datePublished=\"2024-11-21\"",
        "datePublished=\"21/11/2024\"",
        1,
    );
    let error = refused("date.xml", bad_date.as_bytes());
    assert!(
        matches!(error, ImportError::Malformed { line, .. } if line > 1),
        "{error}"
    );
    let bad_flag = text.replacen(
        "<isPrimary>true</isPrimary>",
        "<isPrimary>yes</isPrimary>",
        1,
    );
    assert!(matches!(
        refused("flag.xml", bad_flag.as_bytes()),
        ImportError::Malformed { .. }
    ));
}

#[test]
fn no_cut_before_the_root_closes_parses() {
    let full = bytes(D1);
    let end = String::from_utf8(full.clone())
        .expect("utf-8")
        .rfind("</sanctionsData>")
        .expect("root end")
        + "</sanctionsData>".len();
    for cut in (0..end).step_by(499).chain([end - 1]) {
        assert!(
            ofac_enhanced::parse("cut.xml", &full[..cut]).is_err(),
            "a file cut at byte {cut} parsed"
        );
    }
    assert!(ofac_enhanced::parse("whole.xml", &full[..end]).is_ok());
}
