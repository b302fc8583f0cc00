//! Each authority's listing of an entity stands on its own: a delisting ends only its own
//! designation, whichever of the entity's designations came first.

mod common;

use common::*;
use sanctions_ledger::{Authority, ChangeKind, DesignationId, Ledger, List, Scope, StatusKind};

/// One entity designated by every authority in `order`, one change per recorded instant
/// (so the ledger indexes each alone), then `delisted`'s designation ended on 2025-11-04.
fn listed_by(order: &[Authority], delisted: &Authority) -> Ledger {
    let mut ledger = Ledger::new();
    let mut recorded = t0();
    let mut next = |ledger: &mut Ledger, name: &str, effective: &str, kind| {
        recorded += chrono::TimeDelta::hours(1);
        ledger
            .apply(change_at(name, effective, recorded, kind))
            .unwrap();
    };
    next(&mut ledger, "register", "2021-01-01", register("belavia"));
    for (i, authority) in order.iter().enumerate() {
        let id = format!("d-{authority}");
        let effective = format!("202{}-06-01", i + 1);
        let kind = designate(&id, "belavia", authority.clone());
        next(&mut ledger, &format!("designate {id}"), &effective, kind);
    }
    let kind = delist(&format!("d-{delisted}"));
    next(&mut ledger, "delist", "2025-11-04", kind);
    ledger
}

#[test]
fn a_delisting_ends_only_its_own_authoritys_listing() {
    let (eu, us, uk) = (Authority::EU, Authority::US_OFAC, Authority::UK);
    for order in [
        vec![eu.clone(), us.clone()],
        vec![us.clone(), eu.clone()],
        vec![eu.clone(), uk.clone(), us.clone()],
        vec![us.clone(), uk.clone(), eu.clone()],
    ] {
        for delisted in &order {
            let ledger = listed_by(&order, delisted);
            let now = ledger.current();
            let belavia = entity("belavia");
            for authority in &order {
                let before = now
                    .status(belavia, authority, day("2025-11-03"))
                    .unwrap()
                    .kind();
                let after = now
                    .status(belavia, authority, day("2025-11-04"))
                    .unwrap()
                    .kind();
                let expected = if authority == delisted {
                    StatusKind::NotListed
                } else {
                    StatusKind::Listed
                };
                let case = format!("{order:?}, {delisted} delisted, {authority}");
                assert_eq!(before, StatusKind::Listed, "{case}, before");
                assert_eq!(after, expected, "{case}, after");
                assert_eq!(
                    now.is_listed(belavia, authority, day("2025-11-04"))
                        .unwrap(),
                    expected == StatusKind::Listed,
                    "{case}"
                );
            }
        }
    }
}

/// Each of an authority's lists stands on its own too. The shape of Gazprombank's OFAC history
/// (dates simplified): on the SSI list, on the NS-MBS list, then moved from NS-MBS to the SDN
/// list on 2024-11-21, and a general licence of OFAC's relieving it on every list.
#[test]
fn each_list_of_one_authority_answers_for_itself() {
    let on = |id: &str, list: List| {
        let mut kind = designate(id, "gpb", Authority::US_OFAC);
        if let ChangeKind::Designate { record, .. } = &mut kind {
            record.list = Some(list);
        }
        kind
    };
    let ledger = Ledger::from_changes([
        change("register", "2014-07-16", register("gpb")),
        change("ssi", "2014-07-16", on("ssi", List::US_OFAC_SSI)),
        change("mbs", "2022-02-24", on("mbs", List::US_OFAC_NS_MBS)),
        change("mbs ends", "2024-11-21", delist("mbs")),
        change("sdn", "2024-11-21", on("sdn", List::US_OFAC_SDN)),
        change(
            "gl 8",
            "2024-12-01",
            licence("gl 8", Authority::US_OFAC, "gpb"),
        ),
    ])
    .unwrap();
    let now = ledger.current();
    let gpb = entity("gpb");
    let kind = |scope: Scope<'_>, date| now.status(gpb, scope, day(date)).unwrap().kind();
    let (ssi, mbs, sdn) = (List::US_OFAC_SSI, List::US_OFAC_NS_MBS, List::US_OFAC_SDN);
    let ofac = Authority::US_OFAC;
    // The move: NS-MBS up to the day before, SDN from the day on; SSI untouched.
    assert_eq!(kind((&mbs).into(), "2024-11-20"), StatusKind::Listed);
    assert_eq!(kind((&sdn).into(), "2024-11-20"), StatusKind::NotListed);
    assert_eq!(kind((&mbs).into(), "2024-11-21"), StatusKind::NotListed);
    assert_eq!(kind((&sdn).into(), "2024-11-21"), StatusKind::Listed);
    assert_eq!(kind((&ssi).into(), "2024-11-21"), StatusKind::Listed);
    // By the authority, listed throughout, on two lists at once.
    let both = now.status(gpb, &ofac, day("2024-11-21")).unwrap();
    assert_eq!(
        both.designations(),
        sorted([DesignationId::derive("ssi"), DesignationId::derive("sdn")])
    );
    // The authority's licence relieves the listing on each of its lists.
    for scope in [Scope::from(&ssi), Scope::from(&sdn), Scope::from(&ofac)] {
        assert_eq!(
            kind(scope, "2024-12-01"),
            StatusKind::ListedLicensed,
            "{scope}"
        );
    }
    assert_eq!(kind((&mbs).into(), "2024-12-01"), StatusKind::NotListed);
    // A list nobody is on, and another authority's list of the same code, list nothing.
    let eu_lookalike = List::new(Authority::EU, "SDN").unwrap();
    assert!(!now
        .is_listed(gpb, &eu_lookalike, day("2024-12-01"))
        .unwrap());
    assert!(!now
        .is_listed(gpb, &List::US_OFAC_CAPTA, day("2024-12-01"))
        .unwrap());
    // The ids in force per list, and the same answers from a state.
    assert_eq!(
        now.designations_in_force_in(&mbs, day("2024-11-20")),
        [DesignationId::derive("mbs")]
    );
    assert!(now
        .designations_in_force_in(&mbs, day("2024-11-21"))
        .is_empty());
    let state = now.state_on(day("2024-11-21"));
    assert_eq!(state.status(gpb, &sdn).kind(), StatusKind::Listed);
    assert_eq!(state.status(gpb, &mbs).kind(), StatusKind::NotListed);
    assert_eq!(
        state.designations[&DesignationId::derive("sdn")].list,
        Some(&List::US_OFAC_SDN)
    );
}

fn sorted<const N: usize>(mut ids: [DesignationId; N]) -> Vec<DesignationId> {
    ids.sort_unstable();
    ids.to_vec()
}
