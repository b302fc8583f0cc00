//! The recorded axis: `known_at(T)` sees the changes recorded at or before T, minus those
//! retracted at or before T, and answers the same forever.

mod common;

use common::*;
use sanctions_ledger::{Authority, ChangeId, Error, Ledger, Measure, StatusKind};

/// acme designated on 2024-01-10 (recorded 2026-01-01); a delisting believed on 2026-02-01 and
/// retracted on 2026-03-01, when a licence was recorded instead; a real delisting on 2026-04-01.
fn audited() -> Ledger {
    let mut ledger = acme();
    ledger
        .apply(change_at(
            "believed",
            "2024-05-01",
            at("2026-02-01T12:00:00Z"),
            delist("d1"),
        ))
        .unwrap();
    ledger
        .apply_batch([
            change_at(
                "retract",
                "2024-05-01",
                at("2026-03-01T12:00:00Z"),
                retract("believed"),
            ),
            change_at(
                "licence",
                "2024-05-01",
                at("2026-03-01T12:00:00Z"),
                licence("gl", Authority::EU, "acme"),
            ),
        ])
        .unwrap();
    ledger
        .apply(change_at(
            "real delist",
            "2024-09-01",
            at("2026-04-01T12:00:00Z"),
            delist("d1"),
        ))
        .unwrap();
    ledger
}

#[test]
fn each_instant_sees_what_was_known_then() {
    let ledger = audited();
    let acme = entity("acme");
    let question = day("2024-06-01");
    let said = |instant: &str| {
        ledger
            .known_at(at(instant))
            .status(acme, &Authority::EU, question)
            .unwrap()
            .kind()
    };
    // Nothing recorded yet: the view does not know acme, which is not "not listed".
    let before = at("2025-12-31T23:59:59Z");
    let unknown = ledger
        .known_at(before)
        .status(acme, &Authority::EU, question)
        .unwrap_err();
    assert_eq!(
        unknown,
        Error::EntityNotKnown {
            entity: acme,
            known_at: Some(before),
        }
    );
    assert_eq!(
        unknown.to_string(),
        format!("entity {acme} is not known to the ledger as known at 2025-12-31T23:59:59+00:00")
    );
    assert_eq!(
        said("2026-01-01T00:00:00Z"),
        StatusKind::Listed,
        "recorded at T is seen at T"
    );
    assert_eq!(said("2026-02-01T11:59:59Z"), StatusKind::Listed);
    assert_eq!(
        said("2026-02-01T12:00:00Z"),
        StatusKind::NotListed,
        "the believed delisting"
    );
    assert_eq!(said("2026-03-01T11:59:59Z"), StatusKind::NotListed);
    assert_eq!(
        said("2026-03-01T12:00:00Z"),
        StatusKind::ListedLicensed,
        "retracted, licence seen"
    );
    assert_eq!(said("2030-01-01T00:00:00Z"), StatusKind::ListedLicensed);
    assert_eq!(
        ledger
            .current()
            .status(acme, &Authority::EU, question)
            .unwrap()
            .kind(),
        StatusKind::ListedLicensed
    );
}

/// An audit view must not leak the future: its raw log stops at its instant, retracted
/// changes and retractions included up to there, and nothing recorded later.
#[test]
fn a_view_of_the_past_shows_no_change_recorded_later() {
    let ledger = audited();
    for instant in [
        "2025-12-31T23:59:59Z",
        "2026-01-01T12:00:00Z",
        "2026-02-01T12:00:00Z",
        "2026-03-01T11:59:59Z",
        "2026-03-01T12:00:00Z",
        "2026-04-01T12:00:00Z",
    ] {
        let t = at(instant);
        let recorded_by_then: Vec<_> = ledger
            .changes()
            .iter()
            .filter(|c| c.recorded <= t)
            .cloned()
            .collect();
        assert_eq!(ledger.known_at(t).log(), &recorded_by_then[..], "{instant}");
    }
    assert_eq!(ledger.current().log(), ledger.changes());
    // The view known just before the retraction still shows the believed delisting, and
    // nothing of the correction.
    let before = ledger.known_at(at("2026-03-01T11:59:59Z"));
    assert_eq!(
        before.log().last().map(|c| c.id),
        Some(ChangeId::derive("believed"))
    );
}

#[test]
fn a_view_after_the_last_record_answers_like_the_current_view() {
    let ledger = audited();
    let later = ledger.known_at(at("2030-01-01T00:00:00Z"));
    let now = ledger.current();
    let acme = entity("acme");
    assert_eq!(later.timeline(acme).unwrap(), now.timeline(acme).unwrap());
    for date in [
        "2024-01-09",
        "2024-01-10",
        "2024-05-01",
        "2024-08-31",
        "2024-09-01",
    ] {
        assert_eq!(later.state_on(day(date)), now.state_on(day(date)), "{date}");
        assert_eq!(
            later.status(acme, &Authority::EU, day(date)).unwrap(),
            now.status(acme, &Authority::EU, day(date)).unwrap()
        );
    }
    assert_eq!(later.changes().count(), now.changes().count());
}

#[test]
fn a_past_view_equals_a_ledger_built_from_what_was_recorded_by_then() {
    let ledger = audited();
    let cut = at("2026-02-15T00:00:00Z");
    let prefix: Vec<_> = ledger
        .changes()
        .iter()
        .filter(|c| c.recorded <= cut)
        .cloned()
        .collect();
    let rebuilt = Ledger::from_changes(prefix).unwrap();
    let past = ledger.known_at(cut);
    let acme = entity("acme");
    assert_eq!(
        past.timeline(acme).unwrap(),
        rebuilt.current().timeline(acme).unwrap()
    );
    assert_eq!(
        past.diff(day("2024-01-01"), day("2024-12-31")),
        rebuilt.current().diff(day("2024-01-01"), day("2024-12-31"))
    );
    assert_eq!(
        past.changes_between(day("2024-01-01"), day("2024-12-31")),
        rebuilt
            .current()
            .changes_between(day("2024-01-01"), day("2024-12-31"))
    );
}

#[test]
fn retracted_changes_vanish_from_every_query_of_later_views() {
    let ledger = audited();
    let before = ledger.known_at(at("2026-02-15T00:00:00Z"));
    let after = ledger.current();
    let believed = sanctions_ledger::ChangeId::derive("believed");
    assert!(before.change(believed).is_some());
    assert!(after.change(believed).is_none());
    assert!(ledger.change(believed).is_some(), "the log keeps it");
    let listed = |v: &sanctions_ledger::View<'_>| {
        v.changes_between(day("2024-04-30"), day("2024-05-01"))
            .iter()
            .map(|c| c.kind.name())
            .collect::<Vec<_>>()
    };
    assert_eq!(listed(&before), ["delist"]);
    assert_eq!(
        listed(&after),
        ["issue_licence"],
        "and the retraction itself is not an effective change"
    );
}

#[test]
fn lookups_follow_the_view() {
    let mut ledger = acme();
    ledger
        .apply(change_at(
            "rename",
            "2024-06-01",
            at("2026-05-01T00:00:00Z"),
            sanctions_ledger::ChangeKind::AmendEntity {
                entity: entity("acme"),
                record: Box::new(
                    sanctions_ledger::Entity::new(
                        sanctions_ledger::EntityKind::Organisation,
                        "Acme Holdings",
                    )
                    .with_alias("acme"),
                ),
            },
        ))
        .unwrap();
    let before = ledger.known_at(at("2026-04-30T00:00:00Z"));
    assert!(before.find_by_name("Acme Holdings").is_empty());
    assert_eq!(
        ledger.current().find_by_name("ACME holdings"),
        vec![entity("acme")]
    );
    assert_eq!(
        ledger
            .current()
            .entity_on(entity("acme"), day("2024-05-31"))
            .map(|e| e.name.as_str()),
        Some("acme")
    );
    assert_eq!(
        ledger
            .current()
            .entity(entity("acme"))
            .map(|e| e.name.as_str()),
        Some("Acme Holdings")
    );
    assert_eq!(
        ledger
            .current()
            .entity_on(entity("acme"), day("2023-12-31")),
        None
    );
}

#[test]
fn amendments_apply_from_their_effective_date_in_any_recorded_order() {
    let mut ledger = acme();
    ledger
        .apply(change(
            "later amend",
            "2024-03-01",
            amend("d1", Measure::FlightBan),
        ))
        .unwrap();
    ledger
        .apply(change(
            "earlier amend",
            "2024-02-01",
            amend("d1", Measure::TravelBan),
        ))
        .unwrap();
    let now = ledger.current();
    let measures = |date| {
        now.designation_on(sanctions_ledger::DesignationId::derive("d1"), day(date))
            .map(|d| d.terms.measures.clone())
    };
    assert_eq!(measures("2024-01-31"), Some(vec![Measure::AssetFreeze]));
    assert_eq!(measures("2024-02-15"), Some(vec![Measure::TravelBan]));
    assert_eq!(measures("2024-03-01"), Some(vec![Measure::FlightBan]));
    assert_eq!(measures("2024-01-09"), None);
}

#[test]
fn a_designation_re_created_under_its_id_after_a_retraction_moves_its_start() {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change_at(
                "r",
                "2024-01-10",
                at("2026-02-01T00:00:00Z"),
                retract("designate d1"),
            ),
            change_at(
                "designate d1 again",
                "2024-01-20",
                at("2026-02-01T00:00:00Z"),
                designate("d1", "acme", Authority::EU),
            ),
        ])
        .unwrap();
    let (before, now) = (
        ledger.known_at(at("2026-01-15T00:00:00Z")),
        ledger.current(),
    );
    let acme = entity("acme");
    assert!(before
        .is_listed(acme, &Authority::EU, day("2024-01-15"))
        .unwrap());
    assert!(!now
        .is_listed(acme, &Authority::EU, day("2024-01-15"))
        .unwrap());
    assert!(now
        .is_listed(acme, &Authority::EU, day("2024-01-20"))
        .unwrap());
    assert_eq!(now.designations_in_force(day("2024-01-15")), vec![]);
    assert_eq!(before.designations_in_force(day("2024-01-15")).len(), 1);
    assert_eq!(
        now.timeline(acme).unwrap().authorities[0].periods[0]
            .dates
            .from,
        day("2024-01-20")
    );

    // The id keeps its entity and authority: re-creating it for another is refused.
    ledger
        .apply(change_at(
            "reg other",
            "2024-01-01",
            at("2026-03-01T00:00:00Z"),
            register("other"),
        ))
        .unwrap();
    let error = ledger
        .apply_batch([
            change_at(
                "r2",
                "2024-01-10",
                at("2026-03-02T00:00:00Z"),
                retract("designate d1 again"),
            ),
            change_at(
                "steal",
                "2024-01-20",
                at("2026-03-02T00:00:00Z"),
                designate("d1", "other", Authority::EU),
            ),
        ])
        .unwrap_err();
    assert!(
        matches!(error, sanctions_ledger::Error::DuplicateTarget { .. }),
        "{error}"
    );
    assert!(
        ledger
            .current()
            .is_listed(acme, &Authority::EU, day("2024-01-20"))
            .unwrap(),
        "unchanged after refusal"
    );
}
