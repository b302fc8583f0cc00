//! `seeds/belavia_linked.json`, the Belavia case told by list entries: the EU's entry, OFAC's
//! SDN entries 44541 (Belavia) and 44580 (its aircraft EW-301PJ) as the importer reads them
//! from the real `sdn.csv` of 2023-08-09, and an analyst's link saying that the EU entry and SDN
//! entry 44541 are one airline. This test builds that ledger from its sources and checks that
//! the committed file is exactly it, and that the subject answers the seed case's questions.
//!
//! To regenerate the file after a change to the importer, the format or this history:
//! `cargo test --test seed_linked -- --ignored`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sanctions_ledger::import::{ofac::SdnFiles, reconcile, ReconcileOptions, Snapshot};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Confidence, DerivedKind, EntityId, Identifier, Ledger,
    Link, LinkId, LinkReason, Source, StatusKind,
};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn instant(y: i32, m: u32, d: u32, h: u32) -> TestResult<DateTime<Utc>> {
    Ok(Utc
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .ok_or("instant")?)
}

fn day(text: &str) -> TestResult<NaiveDate> {
    Ok(text.parse()?)
}

/// The EU entry's entity id in the linked seed.
fn eu_entry() -> EntityId {
    EntityId::derive("seed:eu:belavia")
}

/// The changes of `seeds/belavia.json` with these slugs' citations, by kind name and date.
fn seed_change<'a>(seed: &'a Ledger, kind: &str, effective: &str) -> TestResult<&'a Change> {
    let effective = day(effective)?;
    Ok(seed
        .changes()
        .iter()
        .find(|c| c.kind.name() == kind && c.effective == effective)
        .ok_or_else(|| format!("no {kind} effective {effective} in seeds/belavia.json"))?)
}

/// The linked seed, built from its sources: the EU listing's changes of `seeds/belavia.json`
/// (about the EU entry instead of the hand-made entity), the two SDN entries reconciled from
/// the real fixture, the analyst's link, and OFAC's licences and removals of
/// `seeds/belavia.json` (about the SDN entries).
#[allow(clippy::too_many_lines)] // one history, told in order
fn build() -> TestResult<Ledger> {
    let seed = Ledger::from_json_str(&std::fs::read_to_string(path("seeds/belavia.json"))?)?;
    let hand_made = EntityId::derive("belavia");
    let mut ledger = Ledger::new();

    // The EU's side: Belavia registered as a Belarusian air carrier when the EU banned those
    // (2021-06-04, applying from 2021-06-05), the ban itself, then the EU listing's facts, the
    // listing and its renewal, about the EU's own entry.
    let mut eu = Vec::new();
    for (kind, effective) in [
        ("register_entity", "2021-06-05"),
        ("impose_class_measure", "2021-06-05"),
        ("amend_entity", "2021-12-02"),
        ("designate", "2021-12-02"),
        ("amend_designation", "2023-02-24"),
    ] {
        let mut change = seed_change(&seed, kind, effective)?.clone();
        change.id = ChangeId::derive(&format!("seed:linked:eu:{kind}:{effective}"));
        match &mut change.kind {
            ChangeKind::RegisterEntity { entity, .. } | ChangeKind::AmendEntity { entity, .. } => {
                *entity = eu_entry();
            }
            ChangeKind::Designate { record, .. } => record.entity = eu_entry(),
            _ => {}
        }
        eu.push(change);
    }
    let registered = eu[0].effective;
    ledger.apply_batch(eu)?;

    // OFAC's entries 44541 and 44580 as the importer reads the real file of 2023-08-09, which
    // OFAC's file of 2023-08-03 did not hold.
    let bytes = std::fs::read(path("tests/fixtures/ofac/sdn_2023-08-09.csv"))?;
    let full = SdnFiles::new("sdn_2023-08-09.csv", &bytes).parse(day("2023-08-09")?)?;
    let mut snapshot = Snapshot::new(
        Authority::US_OFAC,
        "SDN",
        day("2023-08-09")?,
        "sdn_2023-08-09.csv",
        false,
    );
    for id in ["44541", "44580"] {
        snapshot.insert(full.get(id).ok_or("entry in the fixture")?.clone());
    }
    let options = ReconcileOptions::new(instant(2023, 8, 9, 16)?).previous(day("2023-08-03")?);
    ledger.apply_batch(reconcile(ledger.current(), &snapshot, &options)?.changes)?;
    let airline = snapshot.entity_id("44541");
    let aircraft = snapshot.entity_id("44580");

    // The analyst's link, the day after OFAC's action. It is effective from the EU entry's
    // registration: the two entries are one airline, and the subject's history (the EU's ban of
    // its class and its EU listing of 2021) answers through either entry.
    let link = Change::new(
        ChangeId::derive("seed:linked:link:eu=sdn-44541"),
        registered,
        instant(2023, 8, 10, 9)?,
        Source::new(
            "analyst review of the EU entry (Council Implementing Regulation (EU) 2021/2124) and \
             OFAC SDN entry 44541 (sdn.csv of 2023-08-09)",
        )
        .with_confidence(Confidence::Confirmed),
        ChangeKind::Link {
            link: LinkId::derive("seed:belavia:eu=sdn-44541"),
            record: Box::new(Link::new(
                eu_entry(),
                airline,
                LinkReason::analyst(
                    "the same airline: the EU lists Belavia – Belarusian Airlines AAT (Belarus), \
                     OFAC OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES (tax ID \
                     600390798, Belarus); both name the Belarusian state airline Belavia",
                ),
            )),
        },
    );
    ledger.apply(link)?;

    // OFAC's later acts from `seeds/belavia.json`, about the SDN entries.
    let designation_of = |entity: EntityId| {
        ledger
            .current()
            .designations_in_force(day("2023-08-09").unwrap_or_default())
            .into_iter()
            .find(|&d| {
                ledger
                    .current()
                    .designation(d)
                    .is_some_and(|d| d.record.entity == entity)
            })
    };
    let (airline_listing, aircraft_listing) = (
        designation_of(airline).ok_or("44541 designated")?,
        designation_of(aircraft).ok_or("44580 designated")?,
    );
    let mut gl_11 = seed_change(&seed, "issue_licence", "2025-09-11")?.clone();
    if let ChangeKind::IssueLicence { record, .. } = &mut gl_11.kind {
        for covered in &mut record.terms.covers {
            if *covered == hand_made {
                *covered = airline;
            }
        }
    }
    gl_11.id = ChangeId::derive("seed:linked:gl-11");
    ledger.apply(gl_11)?;
    let removals: Vec<Change> = seed
        .changes()
        .iter()
        .filter(|c| c.kind.name() == "delist")
        .zip([("44541", airline_listing), ("44580", aircraft_listing)])
        .map(|(c, (entry, designation))| {
            let mut change = c.clone();
            change.id = ChangeId::derive(&format!("seed:linked:delist:{entry}"));
            change.kind = ChangeKind::Delist { designation };
            change
        })
        .collect();
    ledger.apply_batch(removals)?;
    // Belarus GL 12 and the three aircraft it names, as recorded in the seed.
    let gl_12: Vec<Change> = seed
        .changes()
        .iter()
        .filter(|c| c.recorded == instant(2026, 3, 2, 14).unwrap_or_default())
        .cloned()
        .collect();
    ledger.apply_batch(gl_12)?;
    Ok(ledger)
}

#[test]
fn the_committed_seed_is_built_from_its_sources() -> TestResult {
    let built = build()?;
    let committed =
        Ledger::from_json_str(&std::fs::read_to_string(path("seeds/belavia_linked.json"))?)?;
    assert!(
        built == committed,
        "seeds/belavia_linked.json differs from what its sources give: regenerate it with \
         `cargo test --test seed_linked -- --ignored`"
    );
    Ok(())
}

#[test]
#[ignore = "writes seeds/belavia_linked.json"]
fn regenerate() -> TestResult {
    let json = serde_json::to_string_pretty(&build()?)?;
    std::fs::write(path("seeds/belavia_linked.json"), json + "\n")?;
    Ok(())
}

#[test]
fn the_subject_answers_the_seed_case_from_its_list_entries() -> TestResult {
    let ledger = build()?;
    let now = ledger.current();
    let sdn = now.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"));
    assert_eq!(sdn.len(), 1);
    let sdn = sdn[0];
    let clusters = now.clusters();
    let kind = |entity, authority: &Authority, date: &str| -> TestResult<StatusKind> {
        Ok(clusters.status(entity, authority, day(date)?)?.kind())
    };
    // Asked through either list entry, the subject is one: the same answers.
    for entity in [sdn, eu_entry()] {
        assert_eq!(
            kind(entity, &Authority::US_OFAC, "2024-06-01")?,
            StatusKind::Listed
        );
        assert_eq!(
            kind(entity, &Authority::EU, "2024-06-01")?,
            StatusKind::Listed
        );
        assert_eq!(
            kind(entity, &Authority::US_OFAC, "2025-10-01")?,
            StatusKind::ListedLicensed
        );
        assert_eq!(
            kind(entity, &Authority::US_OFAC, "2025-11-05")?,
            StatusKind::NotListed
        );
        assert_eq!(
            kind(entity, &Authority::EU, "2025-11-05")?,
            StatusKind::Listed
        );
    }
    // Each entry alone tells only its own list's story.
    assert!(!now.is_listed(sdn, &Authority::EU, day("2024-06-01")?)?);
    assert!(!now.is_listed(eu_entry(), &Authority::US_OFAC, day("2024-06-01")?)?);
    // The EU entry was recorded first: it names the subject.
    assert_eq!(
        clusters.cluster(sdn, day("2024-06-01")?)?.representative,
        eu_entry()
    );
    // Through the SDN entry, the subject's EU listing of 2021 (before OFAC's entry existed).
    assert_eq!(kind(sdn, &Authority::EU, "2021-12-02")?, StatusKind::Listed);
    assert_eq!(
        kind(sdn, &Authority::EU, "2021-12-01")?,
        StatusKind::NotListed
    );
    // The EU entry is a Belarusian air carrier from 2021-06-05: caught by the EU's ban of its
    // class before the EU listed it, listed from 2021-12-02. The SDN entry, whose facts are
    // OFAC's and name no sector, is not in that class on its own.
    let derived = |entity, date: &str| -> TestResult<DerivedKind> {
        Ok(now.derived_status(entity, &Authority::EU, day(date)?)?.kind)
    };
    assert_eq!(derived(eu_entry(), "2021-06-04")?, DerivedKind::NotListed);
    assert_eq!(
        derived(eu_entry(), "2021-06-05")?,
        DerivedKind::ClassMeasure
    );
    assert_eq!(derived(eu_entry(), "2021-12-02")?, DerivedKind::Listed);
    assert_eq!(derived(sdn, "2021-06-05")?, DerivedKind::NotListed);
    assert_eq!(
        clusters.cluster(sdn, day("2021-06-05")?)?.members,
        clusters.cluster(sdn, day("2024-06-01")?)?.members
    );
    // Known at 2023-08-09 evening, before the analyst linked them, the two were apart.
    let before_link = ledger.known_at(instant(2023, 8, 9, 18)?);
    assert!(!before_link
        .clusters()
        .is_listed(sdn, &Authority::EU, day("2024-06-01")?)?);
    Ok(())
}
