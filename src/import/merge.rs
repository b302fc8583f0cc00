//! Merges within one list: a removed entry whose strong identifiers match an entry the list
//! still holds is probably folded into it, not delisted. Reconciliation reports such removals
//! as a [`Note::ProbableMerge`]; whether they are one subject is a person's call (a
//! [`Link`](crate::Link), then the delisting, tell the story in the ledger).

use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::entity::{DocumentKind, Identifier};
use crate::id::DesignationId;
use crate::view::View;

use super::reconcile::{EntryReport, Outcome};
use super::snapshot::Snapshot;

/// A note reconciliation adds to its report: context a plain outcome does not carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Note {
    /// A removed entry whose strong identifiers match an entry still on the list: probably a
    /// duplicate folded into that one (OFAC, 2023-09-25: entry 44738 removed while 44022, with
    /// the same name and tax id, gained its program), not a delisting of the subject.
    ProbableMerge(ProbableMerge),
}

/// A removal that looks like a merge into another entry of the same list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProbableMerge {
    /// The removed entry's list id.
    pub removed: String,
    /// Its designation, which the reconciliation delists.
    pub designation: DesignationId,
    /// The entry still on the list that carries the same identifiers.
    pub kept: String,
    /// The identifiers the two share, in the removed entry's order.
    pub shared: Vec<Identifier>,
}

/// Whether `identifier`, on two entries of one list of `authority`, says they are one
/// subject: IMO numbers, aircraft serial numbers, identity, tax and registration documents,
/// digital currency addresses, and other authorities' list entries (a UN reference). An
/// entry's own list id of `authority` differs by definition, and names never count.
fn merge_evidence(identifier: &Identifier, authority: &Authority) -> bool {
    match identifier {
        Identifier::Imo(_)
        | Identifier::ImoCompany(_)
        | Identifier::AircraftSerial(_)
        | Identifier::DigitalCurrencyAddress { .. } => true,
        Identifier::Document(document) => document.kind != DocumentKind::Other,
        Identifier::ListEntry { authority: of, .. } => of != authority,
        _ => false,
    }
}

/// The removals of `report` whose entity shares merge evidence with an entry of `snapshot`
/// other than itself, each with the first such entry (by list id).
///
/// O(r · (i + e · j)) in the removals, their identifiers, and the snapshot's entries and
/// theirs; removals are few.
pub(crate) fn probable_merges(
    view: View<'_>,
    snapshot: &Snapshot,
    report: &[EntryReport],
) -> Vec<Note> {
    let authority = snapshot.authority();
    let mut notes = Vec::new();
    for entry in report {
        let Outcome::Delisted { designation, .. } = &entry.outcome else {
            continue;
        };
        let Some(record) = view
            .designation(*designation)
            .and_then(|d| view.entity(d.record.entity))
        else {
            continue;
        };
        let evidence: Vec<(&Identifier, String)> = record
            .identifiers
            .iter()
            .filter(|i| merge_evidence(i, authority))
            .map(|i| (i, i.lookup_key()))
            .collect();
        if evidence.is_empty() {
            continue;
        }
        let found = snapshot
            .entries()
            .filter(|other| other.id != entry.id)
            .find_map(|other| {
                let keys: Vec<String> = other
                    .entity
                    .identifiers
                    .iter()
                    .map(Identifier::lookup_key)
                    .collect();
                let shared: Vec<Identifier> = evidence
                    .iter()
                    .filter(|(_, key)| keys.contains(key))
                    .map(|(i, _)| (*i).clone())
                    .collect();
                (!shared.is_empty()).then(|| (other.id.clone(), shared))
            });
        if let Some((kept, shared)) = found {
            notes.push(Note::ProbableMerge(ProbableMerge {
                removed: entry.id.clone(),
                designation: *designation,
                kept,
                shared,
            }));
        }
    }
    notes
}
