//! The difference between the states on two dates: exactly what differs, nothing that was only
//! restated.

mod common;

use common::*;
use sanctions_ledger::{Measure, StateDiff};

#[test]
fn an_amendment_restating_the_terms_is_no_difference_and_a_real_one_is() {
    // acme's d1 (EU, asset freeze since 2024-01-10) restated as an asset freeze on 2024-02-01,
    // then amended to a travel ban on 2024-03-01.
    let mut ledger = acme();
    ledger
        .apply_batch([
            change("restate", "2024-02-01", amend("d1", Measure::AssetFreeze)),
            change("amend", "2024-03-01", amend("d1", Measure::TravelBan)),
        ])
        .unwrap();
    let now = ledger.current();
    let diff = |from: &str, to: &str| -> StateDiff { now.diff(day(from), day(to)) };
    let whole = |from: &str, to: &str| now.state_on(day(from)).diff(&now.state_on(day(to)));

    let restated = diff("2024-01-15", "2024-02-15");
    assert!(restated.is_empty(), "{restated:?}");
    assert_eq!(restated, whole("2024-01-15", "2024-02-15"));

    let amended = diff("2024-02-15", "2024-03-15");
    let d1 = sanctions_ledger::DesignationId::derive("d1");
    assert_eq!(amended.amended.keys().collect::<Vec<_>>(), [&d1]);
    assert_eq!(
        amended.amended[&d1].terms.measures,
        [Measure::TravelBan],
        "the terms in force on the later date"
    );
    assert!(amended.designated.is_empty() && amended.delisted.is_empty());
    assert!(amended.status_changes.is_empty(), "still listed throughout");
    assert_eq!(amended, whole("2024-02-15", "2024-03-15"));
}
