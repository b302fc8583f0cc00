//! The seed case, `seeds/belavia.json`, through the public API: statuses on both sides of every
//! date of the public record, what the ledger knew on the way (each fact is recorded when it
//! became public), the timeline, changes between dates, the difference of states, lookups, and
//! the JSON round trip.

mod common;

use common::{at, day, seed, SEED};
use sanctions_ledger::{
    Authority, DesignationId, EntityId, Error, Identifier, Interval, Ledger, LicenceId, Status,
    StatusKind, View,
};

fn belavia(view: &View<'_>) -> EntityId {
    let found = view.find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"));
    assert_eq!(found.len(), 1, "one entity has OFAC UID 44541");
    found[0]
}

fn kind(view: &View<'_>, entity: EntityId, authority: &Authority, date: &str) -> StatusKind {
    view.status(entity, authority, day(date)).unwrap().kind()
}

#[test]
fn us_status_on_both_sides_of_every_date() {
    let ledger = seed();
    let now = ledger.current();
    let b = belavia(&now);
    let us = Authority::US_OFAC;
    let expected = [
        ("2021-12-02", StatusKind::NotListed),
        ("2023-08-08", StatusKind::NotListed),
        ("2023-08-09", StatusKind::Listed),
        ("2024-06-01", StatusKind::Listed),
        ("2025-09-10", StatusKind::Listed),
        ("2025-09-11", StatusKind::ListedLicensed),
        ("2025-10-01", StatusKind::ListedLicensed),
        ("2025-11-03", StatusKind::ListedLicensed),
        ("2025-11-04", StatusKind::NotListed),
        ("2025-11-05", StatusKind::NotListed),
        ("2026-03-02", StatusKind::NotListed),
    ];
    for (date, status) in expected {
        assert_eq!(kind(&now, b, &us, date), status, "US-OFAC on {date}");
        assert_eq!(
            now.is_listed(b, &us, day(date)).unwrap(),
            status != StatusKind::NotListed,
            "{date}"
        );
    }
}

#[test]
fn eu_status_on_both_sides_of_every_date() {
    let ledger = seed();
    let now = ledger.current();
    let b = belavia(&now);
    for (date, status) in [
        ("2021-12-01", StatusKind::NotListed),
        ("2021-12-02", StatusKind::Listed),
        ("2023-02-23", StatusKind::Listed),
        ("2023-02-24", StatusKind::Listed),
        ("2025-09-11", StatusKind::Listed), // a US licence does not touch the EU listing
        ("2025-11-04", StatusKind::Listed),
        ("2026-11-27", StatusKind::Listed),
    ] {
        assert_eq!(kind(&now, b, &Authority::EU, date), status, "EU on {date}");
    }
}

#[test]
fn the_licence_is_behind_the_listed_licensed_status_and_does_not_cover_the_aircraft() {
    let ledger = seed();
    let now = ledger.current();
    let b = belavia(&now);
    let status = now
        .status(b, &Authority::US_OFAC, day("2025-10-01"))
        .unwrap();
    let Status::ListedLicensed {
        designations,
        licences,
    } = &status
    else {
        panic!("expected listed-licensed, got {status:?}");
    };
    assert_eq!(designations.len(), 1);
    let licence = now.licence(licences[0]).expect("the licence is visible");
    assert_eq!(licence.record.terms.name, "Belarus General License 11");
    assert!(licence.record.terms.covers_owned_entities);
    assert_eq!(licence.in_force, Interval::new(day("2025-09-11"), None));

    // GL 11 does not unblock blocked property: the aircraft stays listed, not licensed.
    let aircraft = now.find_by_identifier(&Identifier::AircraftRegistration("ew 301pj".into()));
    assert_eq!(aircraft.len(), 1);
    assert_eq!(
        kind(&now, aircraft[0], &Authority::US_OFAC, "2023-08-08"),
        StatusKind::NotListed
    );
    assert_eq!(
        kind(&now, aircraft[0], &Authority::US_OFAC, "2023-08-09"),
        StatusKind::Listed
    );
    assert_eq!(
        kind(&now, aircraft[0], &Authority::US_OFAC, "2025-10-01"),
        StatusKind::Listed
    );
    assert_eq!(
        kind(&now, aircraft[0], &Authority::US_OFAC, "2025-11-04"),
        StatusKind::NotListed
    );
}

#[test]
fn gl12_aircraft_are_licensed_but_never_listed() {
    let ledger = seed();
    let now = ledger.current();
    for reg in ["EW-001PA", "EW-001PB", "EW-001PH"] {
        let found = now.find_by_identifier(&Identifier::AircraftRegistration(reg.into()));
        assert_eq!(found.len(), 1, "{reg}");
        assert_eq!(
            kind(&now, found[0], &Authority::US_OFAC, "2025-11-04"),
            StatusKind::NotListed
        );
    }
    let gl12 = now
        .changes()
        .find(|c| c.published == Some(day("2026-03-02")))
        .expect("GL 12 carries its Federal Register date");
    assert_eq!(
        gl12.effective,
        day("2025-11-04"),
        "effective on issue, not on publication"
    );
}

#[test]
fn timeline_has_the_periods_of_the_public_record() {
    let ledger = seed();
    let now = ledger.current();
    let b = belavia(&now);
    let timeline = now.timeline(b).unwrap();
    let authorities: Vec<&str> = timeline
        .authorities
        .iter()
        .map(|t| t.authority.as_str())
        .collect();
    assert_eq!(authorities, ["EU", "US-OFAC"]);

    let eu = &timeline.authorities[0].periods;
    assert_eq!(eu.len(), 1, "the 2023 renewal keeps one EU period: {eu:?}");
    assert_eq!(
        (eu[0].status, eu[0].dates.from, eu[0].dates.until),
        (StatusKind::Listed, day("2021-12-02"), None)
    );

    let us = &timeline.authorities[1].periods;
    let shape: Vec<_> = us
        .iter()
        .map(|p| (p.status, p.dates.from, p.dates.until))
        .collect();
    assert_eq!(
        shape,
        [
            (
                StatusKind::Listed,
                day("2023-08-09"),
                Some(day("2025-09-11"))
            ),
            (
                StatusKind::ListedLicensed,
                day("2025-09-11"),
                Some(day("2025-11-04"))
            ),
        ]
    );
    let citation = |id| {
        now.change(id)
            .map(|c| c.source.citation.clone())
            .unwrap_or_default()
    };
    assert!(citation(us[1].opened_by[0]).contains("General License 11"));
    assert_eq!(
        us[1].closed_by.len(),
        1,
        "closed by the delisting alone: {:?}",
        us[1].closed_by
    );
    assert!(citation(us[1].closed_by[0]).contains("removed"));
}

#[test]
fn changes_between_is_the_half_open_range_after_from() {
    let ledger = seed();
    let now = ledger.current();
    let kinds = |from, to| -> Vec<&str> {
        now.changes_between(day(from), day(to))
            .iter()
            .map(|c| c.kind.name())
            .collect()
    };
    // The designations of 2023-08-09, with Belavia's OFAC facts and the aircraft's registration.
    assert_eq!(
        kinds("2023-08-08", "2023-08-09"),
        ["amend_entity", "register_entity", "designate", "designate"]
    );
    assert!(
        kinds("2023-08-09", "2023-08-10").is_empty(),
        "effective on the 9th is not after it"
    );
    assert_eq!(kinds("2025-09-10", "2025-09-11"), ["issue_licence"]);
    let on_nov_4 = kinds("2025-11-03", "2025-11-04");
    assert_eq!(on_nov_4.iter().filter(|k| **k == "delist").count(), 2);
    assert_eq!(
        on_nov_4.iter().filter(|k| **k == "issue_licence").count(),
        1
    );
    assert!(
        kinds("2025-11-04", "2025-11-03").is_empty(),
        "a reversed range is empty"
    );
    assert_eq!(
        now.changes_between(day("2000-01-01"), day("2030-01-01"))
            .len(),
        ledger.len()
    );
}

#[test]
fn diff_reports_status_changes_and_applies_to_the_earlier_state() {
    let ledger = seed();
    let now = ledger.current();
    let b = belavia(&now);
    let diff = now.diff(day("2025-09-10"), day("2025-11-05"));
    assert_eq!(diff.delisted.len(), 2, "Belavia and EW-301PJ");
    assert_eq!(diff.licences_issued.len(), 2, "GL 11 and GL 12");
    let belavia_change = diff
        .status_changes
        .iter()
        .find(|c| c.entity == b)
        .expect("Belavia's US status changed");
    assert_eq!(belavia_change.authority, Authority::US_OFAC);
    assert_eq!(
        (belavia_change.before, belavia_change.after),
        (StatusKind::Listed, StatusKind::NotListed)
    );
    assert!(diff
        .status_changes
        .iter()
        .all(|c| c.authority == Authority::US_OFAC));

    for (a, b) in [
        ("2021-01-01", "2023-03-01"),
        ("2023-02-23", "2023-02-24"),
        ("2025-11-05", "2023-08-09"),
    ] {
        let diff = now.diff(day(a), day(b));
        assert_eq!(
            now.state_on(day(a)).apply(&diff),
            now.state_on(day(b)),
            "{a} -> {b}"
        );
    }
    let renewal = now.diff(day("2023-02-23"), day("2023-02-24"));
    assert_eq!(
        renewal.amended.len(),
        1,
        "the renewal changes the legal basis"
    );
    assert!(renewal.status_changes.is_empty());
}

#[test]
fn state_on_a_date_holds_every_designation_and_licence_in_force() {
    let ledger = seed();
    let now = ledger.current();
    let state = now.state_on(day("2025-10-01"));
    assert_eq!(
        state.designations.len(),
        3,
        "EU Belavia, US Belavia, US EW-301PJ"
    );
    assert_eq!(state.licences.len(), 1, "GL 11");
    let b = belavia(&now);
    assert_eq!(
        state.status(b, &Authority::US_OFAC),
        now.status(b, &Authority::US_OFAC, day("2025-10-01"))
            .unwrap()
    );
    let eu = state
        .designations
        .values()
        .find(|d| *d.authority == Authority::EU)
        .expect("EU listing");
    assert!(
        eu.terms
            .legal_basis
            .as_deref()
            .unwrap_or("")
            .contains("2023/419"),
        "amended terms: {eu:?}"
    );
    assert_eq!(eu.since, day("2021-12-02"));
    assert!(now.state_on(day("2021-12-01")).designations.is_empty());
}

#[test]
fn lookup_by_name_and_alias_is_normalised() {
    let ledger = seed();
    let now = ledger.current();
    let b = belavia(&now);
    for name in [
        "BELAVIA",
        "belavia belarusian airlines",
        "Belavia - Belarusian Airlines AAT",
        "OAO AVIAKOMPANIYA  BELAVIA",
    ] {
        assert_eq!(now.find_by_name(name), vec![b], "{name}");
    }
    assert!(now.find_by_name("Belavi").is_empty());
    assert!(now
        .find_by_identifier(&Identifier::list_entry(Authority::EU, "44541"))
        .is_empty());
}

#[test]
fn every_change_cites_a_source_and_the_json_round_trips_unchanged() {
    let ledger = seed();
    assert_eq!(ledger.len(), 17);
    assert!(ledger
        .changes()
        .iter()
        .all(|c| !c.source.citation.is_empty() && c.source.confidence.is_some()));
    let text = serde_json::to_string_pretty(&ledger).unwrap();
    let again: Ledger = serde_json::from_str(&text).unwrap();
    assert_eq!(again, ledger);
    let original: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let written: serde_json::Value = serde_json::to_value(&ledger).unwrap();
    assert_eq!(
        written, original,
        "the seed is in the ledger's own canonical form"
    );
}

#[test]
fn diff_equals_the_difference_of_the_two_whole_states() {
    let ledger = seed();
    let now = ledger.current();
    let dates = [
        "2021-12-01",
        "2021-12-02",
        "2023-02-24",
        "2023-08-08",
        "2023-08-09",
        "2025-09-10",
        "2025-09-11",
        "2025-11-03",
        "2025-11-04",
        "2026-03-02",
    ];
    for a in dates {
        for b in dates {
            let (a, b) = (day(a), day(b));
            assert_eq!(
                now.diff(a, b),
                now.state_on(a).diff(&now.state_on(b)),
                "{a} -> {b}"
            );
        }
    }
    let licensed = now.diff(day("2025-09-10"), day("2025-09-11"));
    assert_eq!(licensed.status_changes.len(), 1, "{licensed:?}");
    assert_eq!(licensed.status_changes[0].after, StatusKind::ListedLicensed);
}

#[test]
fn light_state_queries_agree_with_the_full_state() {
    let ledger = seed();
    let now = ledger.current();
    for date in ["2021-12-01", "2023-08-09", "2025-10-01", "2025-11-04"] {
        let state = now.state_on(day(date));
        let mut designations = now.designations_in_force(day(date));
        designations.sort_unstable();
        assert_eq!(
            designations,
            state.designations.keys().copied().collect::<Vec<_>>(),
            "{date}"
        );
        assert_eq!(
            now.licences_in_force(day(date)),
            state.licences.keys().copied().collect::<Vec<_>>()
        );
    }
}

#[test]
fn known_at_on_the_seed_tells_what_was_public_then() {
    let ledger = seed();
    let belavia = EntityId::derive("belavia");
    let us_listing = DesignationId::derive("us-ofac:44541");
    let gl_12 = LicenceId::derive("us-ofac:belarus-gl-12");
    let us = &Authority::US_OFAC;

    // Before the EU banned Belarusian air carriers, the ledger did not know Belavia at all.
    let before = ledger.known_at(at("2021-06-04T00:00:00Z"));
    assert!(matches!(
        before.status(belavia, &Authority::EU, day("2021-12-02")),
        Err(Error::EntityNotKnown { .. })
    ));
    // From the ban on, it knew Belavia as a Belarusian carrier, not yet listed by the EU.
    let carrier = ledger.known_at(at("2021-12-01T00:00:00Z"));
    assert_eq!(
        carrier.status(belavia, &Authority::EU, day("2021-12-02")),
        Ok(Status::NotListed)
    );

    // 2023-01-01: the EU listing only. Belavia is known, the US designation is not: asked
    // about a date after it took effect, that view answers "not listed" by the US.
    let early = ledger.known_at(at("2023-01-01T00:00:00Z"));
    assert_eq!(early.designation(us_listing), None);
    assert_eq!(
        early.status(belavia, us, day("2023-09-01")),
        Ok(Status::NotListed)
    );
    assert_eq!(
        early.is_listed(belavia, &Authority::EU, day("2022-06-01")),
        Ok(true)
    );
    assert!(
        early
            .find_by_identifier(&Identifier::list_entry(Authority::US_OFAC, "44541"))
            .is_empty(),
        "SDN entry 44541 was created in 2023"
    );
    assert_eq!(
        early.entity(belavia).map(|e| e.name.as_str()),
        Some("Belavia – Belarusian Airlines AAT")
    );

    // 2025-09-12: GL 11 was issued the day before; the removal was still to come, so that view
    // sees Belavia listed and licensed with no end in sight.
    let after_gl_11 = ledger.known_at(at("2025-09-12T00:00:00Z"));
    for date in ["2025-09-12", "2025-10-01", "2025-11-05"] {
        assert_eq!(
            kind(&after_gl_11, belavia, us, date),
            StatusKind::ListedLicensed,
            "{date}"
        );
    }
    assert_eq!(
        kind(&ledger.current(), belavia, us, "2025-11-05"),
        StatusKind::NotListed
    );

    // GL 12 was issued on 2025-11-04 but became public in the Federal Register on 2026-03-02.
    assert_eq!(
        ledger.known_at(at("2026-03-01T00:00:00Z")).licence(gl_12),
        None
    );
    let published = ledger.known_at(at("2026-03-02T14:00:00Z"));
    let licence = published.licence(gl_12).expect("known once published");
    assert_eq!(licence.in_force, Interval::new(day("2025-11-04"), None));
    assert_eq!(
        published
            .change(licence.created_by)
            .and_then(|c| c.published),
        Some(day("2026-03-02"))
    );
}
