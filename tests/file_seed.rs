//! `seeds/belavia.jsonl`, the example ledger file of `FORMAT.md`, loads, equals the history built
//! here, and answers the Belavia questions of `DESIGN.md`.
//!
//! To regenerate the file after a change to the format or to this history:
//! `cargo test --test file_seed -- --ignored`.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Designation, DesignationId, DesignationTerms, Entity,
    EntityId, EntityKind, Ledger, LedgerFile, Licence, LicenceId, LicenceTerms, List, Measure,
    Program, Source, StatusKind,
};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/belavia.jsonl")
}

fn on(y: i32, m: u32, d: u32) -> TestResult<NaiveDate> {
    Ok(NaiveDate::from_ymd_opt(y, m, d).ok_or("date")?)
}

/// Belavia's EU and US history, as in the crate's front-page example, each fact recorded the
/// day it became public: the EU listing (with the entity) on 2021-12-02, the OFAC designation on
/// 2023-08-09, Belarus GL 11 on 2025-09-11 and the SDN removal on 2025-11-04.
fn history() -> TestResult<Vec<Vec<Change>>> {
    let belavia = EntityId::derive("belavia");
    let us_listing = DesignationId::derive("us-ofac:44541");
    let public = |y, m, d, h| {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .ok_or("instant")
    };
    let change = |name: &str, effective, recorded, source: Source, kind| {
        Change::new(ChangeId::derive(name), effective, recorded, source, kind)
    };
    let program = Program::new(Authority::US_OFAC, "BELARUS-EO14038")?;
    let mut us_terms = DesignationTerms::new(Measure::AssetFreeze);
    us_terms.programs.push(program);
    let mut airline = Entity::new(EntityKind::Organisation, "Belavia Belarusian Airlines");
    airline.aliases.push("Belavia".to_owned());
    // No OFAC identifier: SDN entry 44541 did not exist before 2023-08-09, and the full seed
    // (`seeds/belavia.json`) records it then, as an amendment of the entity.
    Ok(vec![
        vec![
            change(
                "belavia:register",
                on(2021, 12, 2)?,
                public(2021, 12, 2, 12)?,
                Source::new("Council Implementing Regulation (EU) 2021/2124"),
                ChangeKind::RegisterEntity {
                    entity: belavia,
                    record: Box::new(airline),
                },
            ),
            change(
                "eu:belavia:designate",
                on(2021, 12, 2)?,
                public(2021, 12, 2, 12)?,
                Source::new("Council Implementing Regulation (EU) 2021/2124"),
                ChangeKind::Designate {
                    designation: DesignationId::derive("eu:belavia"),
                    record: Box::new(
                        Designation::new(
                            belavia,
                            Authority::EU,
                            DesignationTerms::new(Measure::AssetFreeze),
                        )
                        .on_list(List::EU_CONSOLIDATED),
                    ),
                },
            ),
        ],
        vec![change(
            "us-ofac:44541:designate",
            on(2023, 8, 9)?,
            public(2023, 8, 9, 16)?,
            Source::new("OFAC recent actions, 2023-08-09"),
            ChangeKind::Designate {
                designation: us_listing,
                record: Box::new(
                    Designation::new(belavia, Authority::US_OFAC, us_terms)
                        .on_list(List::US_OFAC_SDN),
                ),
            },
        )],
        vec![change(
            "us-ofac:belarus-gl-11:issue",
            on(2025, 9, 11)?,
            public(2025, 9, 11, 16)?,
            Source::new("OFAC Belarus General License 11, 2025-09-11"),
            ChangeKind::IssueLicence {
                licence: LicenceId::derive("us-ofac:belarus-gl-11"),
                record: Box::new(Licence::new(
                    Authority::US_OFAC,
                    LicenceTerms::general("Belarus General License 11", belavia),
                )),
            },
        )],
        vec![change(
            "us-ofac:44541:delist",
            on(2025, 11, 4)?,
            public(2025, 11, 4, 16)?,
            Source::new("OFAC recent actions, 2025-11-04"),
            ChangeKind::Delist {
                designation: us_listing,
            },
        )],
    ])
}

#[test]
fn the_seed_file_loads_and_answers_the_belavia_questions() -> TestResult {
    // A copy, because opening locks the file.
    let copy = std::env::temp_dir().join(format!("belavia-seed-{}.jsonl", std::process::id()));
    std::fs::copy(seed(), &copy)?;
    let file = LedgerFile::open(&copy)?;
    let mut built = Ledger::new();
    for sitting in history()? {
        built.apply_batch(sitting)?;
    }
    assert_eq!(file.ledger(), &built);

    let now = file.ledger().current();
    let belavia = EntityId::derive("belavia");
    let us = |date| {
        now.status(belavia, &Authority::US_OFAC, date)
            .unwrap()
            .kind()
    };
    assert_eq!(us(on(2025, 9, 10)?), StatusKind::Listed);
    assert_eq!(us(on(2025, 10, 1)?), StatusKind::ListedLicensed);
    assert_eq!(us(on(2025, 11, 5)?), StatusKind::NotListed);
    assert!(now
        .is_listed(belavia, &Authority::EU, on(2025, 11, 5)?)
        .unwrap());
    drop(file);
    std::fs::remove_file(&copy)?;
    Ok(())
}

#[test]
#[ignore = "writes seeds/belavia.jsonl; run with --ignored to regenerate it"]
fn regenerate_the_seed_file() -> TestResult {
    let _ = std::fs::remove_file(seed());
    let mut file = LedgerFile::create(seed())?;
    for sitting in history()? {
        file.apply_batch(sitting)?;
    }
    Ok(())
}
