//! Each authority's listing of an entity stands on its own: a delisting ends only its own
//! designation, whichever of the entity's designations came first.

mod common;

use common::*;
use sanctions_ledger::{Authority, Ledger, StatusKind};

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
