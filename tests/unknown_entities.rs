//! Unknown is not "not listed": every query that answers about an entity's listing status
//! refuses an id the view has never seen, and answers `not-listed` for one it knows.

mod common;

use common::*;
use sanctions_ledger::{Authority, Error, Ledger, Status, StatusKind};

/// acme registered on 2024-01-01 and designated by the EU on 2024-01-10 (recorded at t0);
/// quiet registered on 2024-01-01, never designated; ghost registered, then (an hour later)
/// retracted as a mistake.
fn ledger() -> Ledger {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change_at(
                "reg quiet",
                "2024-01-01",
                at("2026-02-01T00:00:00Z"),
                register("quiet"),
            ),
            change_at(
                "reg ghost",
                "2024-01-01",
                at("2026-02-01T00:00:00Z"),
                register("ghost"),
            ),
        ])
        .unwrap();
    ledger
        .apply(change_at(
            "retract ghost",
            "2024-01-01",
            at("2026-02-01T01:00:00Z"),
            retract("reg ghost"),
        ))
        .unwrap();
    ledger
}

fn not_known(entity: &str, known_at: Option<&str>) -> Error {
    Error::EntityNotKnown {
        entity: common::entity(entity),
        known_at: known_at.map(at),
    }
}

#[test]
fn an_id_never_seen_has_no_status() {
    let ledger = ledger();
    let now = ledger.current();
    let typo = entity("acmee");
    let date = day("2024-06-01");
    let expected = not_known("acmee", None);
    assert_eq!(
        now.status(typo, &Authority::EU, date),
        Err(expected.clone())
    );
    assert_eq!(
        now.is_listed(typo, &Authority::EU, date),
        Err(expected.clone())
    );
    assert_eq!(now.statuses(typo, date), Err(expected.clone()));
    assert_eq!(now.timeline(typo), Err(expected.clone()));
    assert_eq!(
        expected.to_string(),
        format!("entity {typo} is not known to the ledger")
    );
    assert_eq!(expected.rule(), None);
    assert_eq!(expected.change(), None);
    // The lookups that return an Option stay as they are.
    assert_eq!(now.entity(typo), None);
    assert_eq!(now.entity_on(typo, date), None);
}

#[test]
fn a_known_entity_is_not_listed_on_the_dates_it_is_not_listed() {
    let ledger = ledger();
    let now = ledger.current();
    let (acme, quiet) = (entity("acme"), entity("quiet"));
    // Before its designation, and with an authority that never listed it.
    assert_eq!(
        now.status(acme, &Authority::EU, day("2024-01-09")),
        Ok(Status::NotListed)
    );
    assert_eq!(
        now.is_listed(acme, &Authority::UK, day("2024-06-01")),
        Ok(false)
    );
    assert_eq!(
        now.status(acme, &Authority::EU, day("2024-01-10"))
            .map(|s| s.kind()),
        Ok(StatusKind::Listed)
    );
    // Known, never designated: not listed anywhere, no authority in its statuses or timeline.
    assert_eq!(
        now.status(quiet, &Authority::EU, day("2024-06-01")),
        Ok(Status::NotListed)
    );
    assert_eq!(now.statuses(quiet, day("2024-06-01")), Ok([].into()));
    let timeline = now.timeline(quiet).unwrap();
    assert_eq!(timeline.entity, quiet);
    assert!(timeline.authorities.is_empty());
    // Registered before its effective date on the effective axis is still known: knowing is
    // on the recorded axis.
    assert_eq!(
        now.status(quiet, &Authority::EU, day("2000-01-01")),
        Ok(Status::NotListed)
    );
}

#[test]
fn knowing_follows_the_recorded_axis() {
    let ledger = ledger();
    let quiet = entity("quiet");
    let date = day("2024-06-01");
    let status_at = |instant: &str| {
        ledger
            .known_at(at(instant))
            .status(quiet, &Authority::EU, date)
    };
    assert_eq!(
        status_at("2026-01-31T23:59:59Z"),
        Err(not_known("quiet", Some("2026-01-31T23:59:59Z")))
    );
    assert_eq!(status_at("2026-02-01T00:00:00Z"), Ok(Status::NotListed));
    // A retracted registration is unknown from the retraction on, and known before it.
    let ghost = entity("ghost");
    let ghost_at = |instant: &str| {
        ledger
            .known_at(at(instant))
            .is_listed(ghost, &Authority::EU, date)
    };
    assert_eq!(ghost_at("2026-02-01T00:30:00Z"), Ok(false));
    assert_eq!(
        ghost_at("2026-02-01T01:00:00Z"),
        Err(not_known("ghost", Some("2026-02-01T01:00:00Z")))
    );
    assert_eq!(
        ledger.current().timeline(ghost),
        Err(not_known("ghost", None))
    );
    assert!(!ledger.current().entities().contains(&ghost));
}

#[test]
fn a_state_cannot_tell_unknown_from_not_listed() {
    // `State::status` answers from the designations and licences in force: an id it does not
    // name is not listed there. The view is the place to ask whether an id is known.
    let ledger = ledger();
    let state = ledger.current().state_on(day("2024-06-01"));
    assert_eq!(
        state.status(entity("acmee"), &Authority::EU),
        Status::NotListed
    );
    assert!(state.status(entity("acme"), &Authority::EU).is_listed());
}
