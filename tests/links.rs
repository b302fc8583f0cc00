//! Links: the rules on them (each refusal leaves the ledger byte-identical), the cluster a link
//! makes on each date and in each view, and how a cluster's representative is chosen.

mod common;

use common::*;
use sanctions_ledger::{
    Authority, Change, ChangeKind, EntityId, Error, Ledger, Link, LinkId, LinkReason, List, Rule,
    Status, StatusKind, Target,
};

fn link_id(name: &str) -> LinkId {
    LinkId::derive(name)
}

fn link(name: &str, a: &str, b: &str) -> ChangeKind {
    ChangeKind::Link {
        link: link_id(name),
        record: Box::new(Link::new(
            entity(a),
            entity(b),
            LinkReason::analyst("same subject"),
        )),
    }
}

fn unlink(name: &str) -> ChangeKind {
    ChangeKind::Unlink {
        link: link_id(name),
    }
}

/// Applies `changes` as one batch, expects a refusal, and checks that nothing changed: the
/// serialised ledger, and every cluster answer against a ledger built afresh.
fn refuse(ledger: &mut Ledger, changes: Vec<Change>) -> Error {
    let before = json(ledger);
    let error = ledger
        .apply_batch(changes)
        .expect_err("the batch must be refused");
    assert_eq!(
        json(ledger),
        before,
        "a refused batch leaves the ledger unchanged"
    );
    let rule = error.rule().expect("a refusal reports its rule");
    assert!(rule.matches(&error));
    let fresh = Ledger::from_changes(ledger.changes().to_vec()).unwrap();
    let (now, expected) = (ledger.current(), fresh.current());
    for entity in expected.entities() {
        for date in [
            "2023-12-31",
            "2024-01-10",
            "2024-02-01",
            "2024-03-01",
            "2025-01-01",
        ] {
            let date = day(date);
            assert_eq!(
                now.clusters().cluster(entity, date).unwrap(),
                expected.clusters().cluster(entity, date).unwrap()
            );
            assert_eq!(
                now.clusters().statuses(entity, date).unwrap(),
                expected.clusters().statuses(entity, date).unwrap()
            );
        }
        assert_eq!(
            now.clusters().timeline(entity).unwrap(),
            expected.clusters().timeline(entity).unwrap()
        );
    }
    error
}

/// "acme" (EU-listed from 2024-01-10) and "acme-us" (registered 2024-01-02, listed by OFAC
/// from 2024-01-20), not linked.
fn two_entries() -> Ledger {
    let mut ledger = acme();
    ledger
        .apply_batch([
            change("reg acme-us", "2024-01-02", register("acme-us")),
            change(
                "designate u1",
                "2024-01-20",
                designate("u1", "acme-us", Authority::US_OFAC),
            ),
        ])
        .unwrap();
    ledger
}

#[test]
fn a_link_makes_one_subject_from_its_date_on() {
    let mut ledger = two_entries();
    ledger
        .apply(change("link", "2024-02-01", link("l1", "acme", "acme-us")))
        .unwrap();
    let now = ledger.current();
    let clusters = now.clusters();
    // Before the link's date, each entry answers for itself.
    assert!(!clusters
        .is_listed(entity("acme"), &Authority::US_OFAC, day("2024-01-31"))
        .unwrap());
    assert_eq!(
        clusters
            .cluster(entity("acme"), day("2024-01-31"))
            .unwrap()
            .members,
        [entity("acme")]
    );
    // From it, one subject, listed by both, each listing with its own member.
    let on = day("2024-02-01");
    let us = clusters
        .status(entity("acme"), &Authority::US_OFAC, on)
        .unwrap();
    assert_eq!(us.kind(), StatusKind::Listed);
    assert_eq!(
        us.by_member().map(|(member, _)| member).collect::<Vec<_>>(),
        [entity("acme-us")]
    );
    let both = clusters.statuses(entity("acme-us"), on).unwrap();
    assert_eq!(both.statuses.len(), 2);
    assert!(both
        .statuses
        .values()
        .all(|s| s.kind() == StatusKind::Listed));
    assert_eq!(both.cluster.links, [link_id("l1")]);
    // The per-entity answers ignore links.
    assert!(!now
        .is_listed(entity("acme"), &Authority::US_OFAC, on)
        .unwrap());
    // The link is a change like any other: listed between dates, not a status change.
    assert_eq!(now.changes_between(day("2024-01-31"), on).len(), 1);
}

#[test]
fn an_unlink_ends_the_subject_and_a_retraction_answers_like_never_linking() {
    let mut ledger = two_entries();
    ledger
        .apply_batch([
            change("link", "2024-02-01", link("l1", "acme", "acme-us")),
            change("unlink", "2024-03-01", unlink("l1")),
        ])
        .unwrap();
    let clusters = |l: &Ledger, date| {
        l.current()
            .clusters()
            .is_listed(entity("acme"), &Authority::US_OFAC, day(date))
            .unwrap()
    };
    assert!(clusters(&ledger, "2024-02-29"));
    assert!(!clusters(&ledger, "2024-03-01"));

    // Retracted (unlink first, then the link it depends on): as if never linked, now; and a
    // view of the past still sees what the ledger said then.
    let later = at("2026-02-01T00:00:00Z");
    ledger
        .apply_batch([
            change_at("r-unlink", "2024-03-01", later, retract("unlink")),
            change_at("r-link", "2024-02-01", later, retract("link")),
        ])
        .unwrap();
    let never = two_entries();
    for date in ["2024-01-31", "2024-02-01", "2024-02-29", "2024-03-01"] {
        for entity in [entity("acme"), entity("acme-us")] {
            assert_eq!(
                ledger
                    .current()
                    .clusters()
                    .statuses(entity, day(date))
                    .unwrap(),
                never
                    .current()
                    .clusters()
                    .statuses(entity, day(date))
                    .unwrap()
            );
        }
    }
    assert!(ledger
        .known_at(t0())
        .clusters()
        .is_listed(entity("acme"), &Authority::US_OFAC, day("2024-02-29"))
        .unwrap());
}

#[test]
fn a_link_joins_two_different_known_entities() {
    let mut ledger = two_entries();
    let selfish = change("self", "2024-02-01", link("l1", "acme", "acme"));
    assert_eq!(
        refuse(&mut ledger, vec![selfish.clone()]),
        Error::SelfLink {
            change: selfish.id,
            link: link_id("l1"),
            entity: entity("acme")
        }
    );
    let stranger = change("stranger", "2024-02-01", link("l1", "acme", "nobody"));
    assert_eq!(
        refuse(&mut ledger, vec![stranger.clone()]),
        Error::UnknownEntity {
            change: stranger.id,
            entity: entity("nobody")
        }
    );
}

#[test]
fn an_unlink_names_a_link_and_follows_it() {
    let mut ledger = two_entries();
    let orphan = change("orphan", "2024-02-01", unlink("none"));
    assert_eq!(
        refuse(&mut ledger, vec![orphan.clone()]),
        Error::UnknownTarget {
            change: orphan.id,
            target: Target::Link(link_id("none"))
        }
    );
    ledger
        .apply(change("link", "2024-02-01", link("l1", "acme", "acme-us")))
        .unwrap();
    let early = change("early", "2024-02-01", unlink("l1"));
    assert!(matches!(
        refuse(&mut ledger, vec![early]),
        Error::EndNotAfterStart {
            target: Target::Link(_),
            ..
        }
    ));
    ledger
        .apply(change("unlink", "2024-03-01", unlink("l1")))
        .unwrap();
    let again = change("again", "2024-04-01", unlink("l1"));
    assert!(matches!(
        refuse(&mut ledger, vec![again]),
        Error::AlreadyEnded {
            target: Target::Link(_),
            ..
        }
    ));
}

#[test]
fn a_link_id_keeps_its_two_entities() {
    let mut ledger = two_entries();
    ledger
        .apply_batch([
            change("reg third", "2024-01-03", register("third")),
            change("link", "2024-02-01", link("l1", "acme", "acme-us")),
        ])
        .unwrap();
    // The same id, the same two entities in the other order: the same link (a duplicate
    // creation); another pair: a conflict decided before anything else.
    let swapped = change("swapped", "2024-02-02", link("l1", "acme-us", "acme"));
    assert!(matches!(
        refuse(&mut ledger, vec![swapped]),
        Error::DuplicateTarget {
            target: Target::Link(_),
            ..
        }
    ));
    let other = change("other", "2024-02-02", link("l1", "acme", "third"));
    assert!(matches!(
        refuse(&mut ledger, vec![other]),
        Error::DuplicateTarget {
            target: Target::Link(_),
            ..
        }
    ));
}

#[test]
fn two_links_of_the_same_entities_are_never_in_force_together() {
    let mut ledger = two_entries();
    ledger
        .apply_batch([
            change("link", "2024-02-01", link("l1", "acme", "acme-us")),
            change("unlink", "2024-03-01", unlink("l1")),
        ])
        .unwrap();
    // Overlapping the first link's period (in either order of the entities).
    let overlapping = change("again", "2024-02-15", link("l2", "acme-us", "acme"));
    let error = refuse(&mut ledger, vec![overlapping.clone()]);
    let (a, b) = (
        entity("acme").min(entity("acme-us")),
        entity("acme").max(entity("acme-us")),
    );
    assert_eq!(
        error,
        Error::LinkAlreadyInForce {
            change: overlapping.id,
            link: link_id("l2"),
            existing: link_id("l1"),
            entities: [a, b],
            on: day("2024-02-15"),
        }
    );
    assert!(Rule::LinkAlreadyInForce.matches(&error));
    // Before it, open-ended: overlaps from the first link's date.
    let before = change("before", "2024-01-15", link("l2", "acme", "acme-us"));
    assert!(matches!(
        refuse(&mut ledger, vec![before]),
        Error::LinkAlreadyInForce { .. }
    ));
    // From the unlink's date on: a new link is fine.
    ledger
        .apply(change(
            "relink",
            "2024-03-01",
            link("l2", "acme", "acme-us"),
        ))
        .unwrap();
    // Retracting the unlink would reopen the first beside the second: refused, and the
    // retraction is the change blamed.
    let reopen = change_at(
        "reopen",
        "2024-03-01",
        at("2026-02-01T00:00:00Z"),
        retract("unlink"),
    );
    let error = refuse(&mut ledger, vec![reopen.clone()]);
    assert!(matches!(
        error,
        Error::LinkAlreadyInForce { change, .. } if change == reopen.id
    ));
}

#[test]
fn a_retraction_may_not_orphan_what_depends_on_a_link_or_its_entities() {
    let mut ledger = two_entries();
    ledger
        .apply_batch([
            change("link", "2024-02-01", link("l1", "acme", "acme-us")),
            change("unlink", "2024-03-01", unlink("l1")),
        ])
        .unwrap();
    let later = at("2026-02-01T00:00:00Z");
    // The unlink depends on the link.
    assert!(matches!(
        refuse(
            &mut ledger,
            vec![change_at("r", "2024-01-01", later, retract("link"))]
        ),
        Error::RetractionOrphans { .. }
    ));
    // The link depends on both registrations.
    assert!(matches!(
        refuse(
            &mut ledger,
            vec![change_at("r", "2024-01-01", later, retract("reg acme-us"))]
        ),
        Error::RetractionOrphans { .. }
    ));
}

#[test]
fn within_one_batch_a_link_may_come_before_what_it_needs() {
    let mut ledger = Ledger::new();
    ledger
        .apply_batch([
            change("unlink", "2024-03-01", unlink("l1")),
            change("link", "2024-02-01", link("l1", "a", "b")),
            change("reg a", "2024-01-01", register("a")),
            change("reg b", "2024-01-01", register("b")),
        ])
        .unwrap();
    let cluster = ledger
        .current()
        .clusters()
        .cluster(entity("a"), day("2024-02-01"))
        .unwrap();
    assert_eq!(cluster.members.len(), 2);
    assert_eq!(cluster.representative, entity("a"));
}

/// The representative is the member the ledger recorded first: a younger cluster joining an
/// older one never renames the subject; an older one joining renames it to the older one's.
#[test]
fn the_representative_is_the_member_recorded_first() {
    let mut ledger = Ledger::new();
    let recorded = |n: u32| at(&format!("2026-01-0{n}T00:00:00Z"));
    // Recorded in the order old, young-1, young-2 (their effective dates the other way
    // round: recording order decides, not the valid axis).
    ledger
        .apply_batch([
            change_at("reg old", "2024-03-01", recorded(1), register("old")),
            change_at(
                "reg young-1",
                "2024-02-01",
                recorded(2),
                register("young-1"),
            ),
            change_at(
                "reg young-2",
                "2024-01-01",
                recorded(2),
                register("young-2"),
            ),
            change_at(
                "young",
                "2024-04-01",
                recorded(3),
                link("y", "young-1", "young-2"),
            ),
        ])
        .unwrap();
    let representative = |l: &Ledger, who: &str, date: &str| {
        l.current()
            .clusters()
            .cluster(entity(who), day(date))
            .unwrap()
            .representative
    };
    // young-1 and young-2 share a recorded instant: the one applied first.
    assert_eq!(
        representative(&ledger, "young-2", "2024-04-01"),
        entity("young-1")
    );
    // The younger cluster joins the old entity: named by the old one, whichever member asks.
    ledger
        .apply(change_at(
            "join",
            "2024-05-01",
            recorded(4),
            link("j", "young-2", "old"),
        ))
        .unwrap();
    for who in ["old", "young-1", "young-2"] {
        assert_eq!(representative(&ledger, who, "2024-05-01"), entity("old"));
        assert_eq!(
            representative(&ledger, who, "2024-04-30"),
            entity(if who == "old" { "old" } else { "young-1" })
        );
    }
    // A newcomer linked to the subject later never renames it.
    ledger
        .apply_batch([
            change_at("reg new", "2020-01-01", recorded(5), register("new")),
            change_at(
                "new",
                "2024-06-01",
                recorded(5),
                link("n", "new", "young-1"),
            ),
        ])
        .unwrap();
    assert_eq!(representative(&ledger, "new", "2024-06-01"), entity("old"));
    assert_eq!(representative(&ledger, "new", "2024-05-31"), entity("new"));
}

#[test]
fn clusters_answer_per_list_and_name_the_member_of_each_listing() {
    let mut ledger = two_entries();
    ledger
        .apply_batch([
            change(
                "designate on SSI",
                "2024-01-20",
                ChangeKind::Designate {
                    designation: sanctions_ledger::DesignationId::derive("u2"),
                    record: Box::new(
                        sanctions_ledger::Designation::new(
                            entity("acme"),
                            Authority::US_OFAC,
                            sanctions_ledger::DesignationTerms::new(
                                sanctions_ledger::Measure::Sectoral,
                            ),
                        )
                        .on_list(List::US_OFAC_SSI),
                    ),
                },
            ),
            change("link", "2024-02-01", link("l1", "acme", "acme-us")),
            change(
                "gl",
                "2024-02-10",
                licence("gl", Authority::US_OFAC, "acme-us"),
            ),
        ])
        .unwrap();
    let clusters = ledger.current().clusters();
    let on = day("2024-02-15");
    let us = clusters
        .status(entity("acme"), &Authority::US_OFAC, on)
        .unwrap();
    // Two OFAC listings, one per member; the licence names the subject through acme-us and
    // so covers the subject.
    assert_eq!(us.kind(), StatusKind::ListedLicensed);
    assert_eq!(us.status.designations().len(), 2);
    assert_eq!(
        us.member_of(sanctions_ledger::DesignationId::derive("u2")),
        Some(entity("acme"))
    );
    assert_eq!(
        us.member_status(entity("acme")).map(Status::kind),
        Some(StatusKind::Listed)
    );
    assert_eq!(
        us.member_status(entity("acme-us")).map(Status::kind),
        Some(StatusKind::ListedLicensed)
    );
    // On the SSI list: only acme's listing.
    let ssi = clusters
        .status(entity("acme-us"), &List::US_OFAC_SSI, on)
        .unwrap();
    assert_eq!(
        ssi.by_member()
            .map(|(member, _)| member)
            .collect::<Vec<_>>(),
        [entity("acme")]
    );
    assert_eq!(ssi.kind(), StatusKind::ListedLicensed);
}

#[test]
fn unknown_ids_have_no_cluster() {
    let ledger = two_entries();
    let clusters = ledger.current().clusters();
    let typo = EntityId::derive("acmee");
    assert!(matches!(
        clusters.status(typo, &Authority::EU, day("2024-02-01")),
        Err(Error::EntityNotKnown { .. })
    ));
    assert!(clusters.cluster(typo, day("2024-02-01")).is_err());
    assert!(clusters.timeline(typo).is_err());
    assert!(clusters
        .is_listed(typo, &Authority::EU, day("2024-02-01"))
        .is_err());
}
