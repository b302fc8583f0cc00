//! Export to Follow the Money and import back: the same answers on every day of a window.

//!
//! The ledger read back has its own ids (an FtM import goes through list snapshots, one list
//! per authority), so each original entity is compared with its counterpart: the entity of the
//! authority's FtM list whose entry id is the original's list id (or FtM id), or, for an entity
//! only a licence names, the entity registered for it alone.

// "FtM" is a name here, not code.
#![allow(clippy::doc_markdown)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use sanctions_ledger::chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use sanctions_ledger::ftm::{self, Export};
use sanctions_ledger::import::ftm::{
    apply_history, apply_state, FtmFile, FtmOptions, DEFAULT_LIST,
};
use sanctions_ledger::import::{apply_snapshot, ofac, ImportError, ReconcileOptions, Snapshot};
use sanctions_ledger::{Authority, EntityId, Identifier, Ledger, List, StatusKind, View};

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test dates are valid")
}

fn recorded() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

fn seed() -> Ledger {
    Ledger::from_json_str(include_str!("../seeds/belavia.json")).expect("the seed loads")
}

/// The SDN fixtures of 2023 (trimmed real files) replayed in date order.
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
        let snapshot = ofac::read_sdn(&path, date).expect("fixture parses");
        apply_snapshot(&mut ledger, &snapshot, &options).expect("fixture applies");
        previous = Some(date);
    }
    ledger
}

fn export(view: View<'_>, export: &Export) -> FtmFile {
    let mut lines = Vec::new();
    export.write(view, &mut lines).expect("writing to a Vec");
    FtmFile::parse("export.ftm.json", &lines).expect("an export parses")
}

/// The entity that stands for `entity` of `original` with `authority` in an FtM import: the
/// entity of the snapshot of the authority's designations (on their list, if they name one)
/// whose entry id is the entity's list id, or its FtM id.
fn counterpart(original: View<'_>, entity: EntityId, authority: &Authority) -> EntityId {
    let facts = original.entity(entity).expect("known");
    let designation = original.log().iter().find_map(|c| match &c.kind {
        sanctions_ledger::ChangeKind::Designate { record, .. }
            if record.entity == entity && record.authority == *authority =>
        {
            Some(record)
        }
        _ => None,
    });
    let Some(designation) = designation else {
        return EntityId::derive(&format!("ftm:{}", ftm::entity_id(entity)));
    };
    let entry = facts
        .identifiers
        .iter()
        .filter(|i| matches!(i, Identifier::ListEntry { authority: a, .. } if a == authority))
        .min_by_key(|i| i.lookup_key())
        .map_or_else(
            || ftm::entity_id(entity),
            |i| match i {
                Identifier::ListEntry { id, .. } => id.clone(),
                _ => unreachable!(),
            },
        );
    let list = match &designation.list {
        Some(list) => format!("{DEFAULT_LIST}-{}", list.code()),
        None => DEFAULT_LIST.to_owned(),
    };
    Snapshot::new(authority.clone(), list, day("2000-01-01"), "", true).entity_id(&entry)
}

/// Every (entity, authority) pair the original answers for: designated by, or licensed by.
fn pairs(view: View<'_>) -> Vec<(EntityId, Authority)> {
    let mut pairs = BTreeSet::new();
    for change in view.changes() {
        match &change.kind {
            sanctions_ledger::ChangeKind::Designate { record, .. } => {
                pairs.insert((record.entity, record.authority.clone()));
            }
            sanctions_ledger::ChangeKind::IssueLicence { record, .. } => {
                for entity in &record.terms.covers {
                    pairs.insert((*entity, record.authority.clone()));
                }
            }
            _ => {}
        }
    }
    pairs.into_iter().collect()
}

/// Compares statuses on every day of `[from, to]`; returns how many answers were compared.
fn same_answers(original: View<'_>, read_back: View<'_>, from: NaiveDate, to: NaiveDate) -> usize {
    let mut compared = 0;
    for (entity, authority) in pairs(original) {
        let other = counterpart(original, entity, &authority);
        let mut date = from;
        while date <= to {
            let want = original
                .status(entity, &authority, date)
                .expect("known")
                .kind();
            let got = read_back
                .status(other, &authority, date)
                .unwrap_or_else(|e| panic!("{entity} ({authority}) on {date}: {e}"))
                .kind();
            assert_eq!(got, want, "{entity} by {authority} on {date}");
            compared += 1;
            date += TimeDelta::days(1);
        }
    }
    compared
}

#[test]
fn belavia_history_reads_back_with_the_same_answers_every_day() {
    let seed = seed();
    let file = export(seed.current(), &Export::history());
    let mut ledger = Ledger::new();
    let import = apply_history(&mut ledger, &file, &FtmOptions::new(), recorded()).unwrap();
    assert!(import.skipped.is_empty(), "{:?}", import.skipped);
    // GL 11 and GL 12 issued, the three aircraft GL 12 alone names registered.
    assert_eq!(import.licence_changes, 5);
    let compared = same_answers(
        seed.current(),
        ledger.current(),
        day("2021-11-01"),
        day("2026-06-30"),
    );
    // Belavia (US, EU), EW-301PJ (US), three GL 12 aircraft (US), over 1,703 days.
    assert_eq!(compared, 6 * 1703);

    // The answers that matter, spelled out.
    let now = ledger.current();
    let belavia_us = counterpart(
        seed.current(),
        EntityId::derive("belavia"),
        &Authority::US_OFAC,
    );
    let kind = |date| {
        now.status(belavia_us, &Authority::US_OFAC, day(date))
            .unwrap()
            .kind()
    };
    assert_eq!(kind("2025-10-01"), StatusKind::ListedLicensed);
    assert_eq!(kind("2025-11-04"), StatusKind::NotListed);
    // Dates come from the file: no observation windows; the listing date is kept.
    let designation = now
        .status(belavia_us, &Authority::US_OFAC, day("2024-01-01"))
        .unwrap();
    let created = now.designation(designation.designations()[0]).unwrap();
    let change = now.change(created.created_by).unwrap();
    assert_eq!(
        (change.window, change.published),
        (None, Some(day("2023-08-09")))
    );
    // The designation's list comes back from the Sanction's `publisher`.
    assert_eq!(created.record.list, Some(List::US_OFAC_SDN));
}

#[test]
fn importing_the_same_history_twice_adds_nothing() {
    let seed = seed();
    let file = export(seed.current(), &Export::history());
    let mut ledger = Ledger::new();
    apply_history(&mut ledger, &file, &FtmOptions::new(), recorded()).unwrap();
    let len = ledger.len();
    let later = recorded() + TimeDelta::days(1);
    let again = apply_history(&mut ledger, &file, &FtmOptions::new(), later).unwrap();
    assert_eq!((again.applied.appended, ledger.len()), (0, len));
    assert!(again
        .reconciliations
        .iter()
        .all(sanctions_ledger::import::Reconciliation::is_empty));
}

#[test]
fn belavia_states_read_back_with_the_same_answers_on_their_date() {
    let seed = seed();
    for date in [
        "2022-06-01",
        "2023-08-09",
        "2025-09-11",
        "2025-10-01",
        "2025-11-04",
        "2026-01-01",
    ] {
        let date = day(date);
        let file = export(seed.current(), &Export::state_on(date));
        let mut ledger = Ledger::new();
        let options = ReconcileOptions::new(recorded());
        apply_state(&mut ledger, &file, date, &FtmOptions::new(), &options).unwrap();
        let (original, read_back) = (seed.current(), ledger.current());
        for (entity, authority) in pairs(original) {
            let want = original.status(entity, &authority, date).unwrap().kind();
            if want == StatusKind::NotListed {
                continue; // a state holds what is in force only
            }
            let other = counterpart(original, entity, &authority);
            let got = read_back.status(other, &authority, date).unwrap().kind();
            assert_eq!(got, want, "{entity} by {authority} on {date}");
        }
    }
}

#[test]
fn sdn_fixture_history_reads_back_with_the_same_answers_every_day() {
    let sdn = sdn_fixtures();
    let file = export(sdn.current(), &Export::history());
    let mut ledger = Ledger::new();
    let import = apply_history(&mut ledger, &file, &FtmOptions::new(), recorded()).unwrap();
    assert!(import.skipped.is_empty());
    // One snapshot per date something starts or ends: the three snapshot dates.
    let dates: Vec<NaiveDate> = import.reconciliations.iter().map(|r| r.date).collect();
    assert_eq!(
        dates,
        [day("2023-08-03"), day("2023-08-09"), day("2023-09-06")]
    );
    let compared = same_answers(
        sdn.current(),
        ledger.current(),
        day("2023-07-20"),
        day("2023-09-30"),
    );
    // 111 + 17 + 5 entries, 73 days each.
    assert_eq!(compared, 133 * 73);
}

#[test]
fn a_refused_import_leaves_the_ledger_unchanged() {
    let sdn = sdn_fixtures();
    let mut ledger = Ledger::new();
    let history = export(sdn.current(), &Export::history());
    apply_history(&mut ledger, &history, &FtmOptions::new(), recorded()).unwrap();
    let before: Vec<_> = ledger.changes().to_vec();
    // A state of 2023-09-30 that lost a third of its Sanctions, as a broken download would.
    let state = export(sdn.current(), &Export::state_on(day("2023-09-30")));
    let mut kept = Vec::new();
    let mut sanctions = 0;
    for (_, entity) in state.entities() {
        if entity.schema == "Sanction" {
            sanctions += 1;
            if sanctions % 3 == 0 {
                continue;
            }
        }
        kept.push(serde_json::to_string(entity).unwrap());
    }
    let broken = FtmFile::parse("broken.ftm.json", kept.join("\n").as_bytes()).unwrap();
    let options = ReconcileOptions::new(recorded() + TimeDelta::days(1));
    let result = apply_state(
        &mut ledger,
        &broken,
        day("2023-09-30"),
        &FtmOptions::new(),
        &options,
    );
    assert!(
        matches!(
            result,
            Err(ImportError::TooManyDelistings { delisted: 41, .. })
        ),
        "{result:?}"
    );
    assert!(
        ledger.changes() == before.as_slice(),
        "the ledger is unchanged"
    );
    // The whole state applies, and changes nothing either: the history had it all.
    let result = apply_state(
        &mut ledger,
        &state,
        day("2023-09-30"),
        &FtmOptions::new(),
        &options,
    );
    assert_eq!(result.unwrap().applied.appended, 0);
}
