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
use super::snapshot::{ListEntry, Snapshot};

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

/// A removal with merge evidence: its report, its designation, and its evidence with the
/// lookup key of each.
type Removal<'a> = (
    &'a EntryReport,
    DesignationId,
    Vec<(&'a Identifier, String)>,
);

/// The removals of `report` whose entity shares merge evidence with an entry of `snapshot`
/// other than itself, each with the first such entry (in the snapshot's order: by list id,
/// then list).
///
/// One pass over the snapshot's identifiers that can be evidence, looking each up among the
/// keys of the removals' evidence: O(r · i + e · j) in the removals, their identifiers, and
/// the snapshot's entries and theirs. (Comparing every removal with every entry, as this did
/// first, took seconds for the 278 removals of a real SDN snapshot.) Only an identifier that is
/// evidence can share a lookup key with one: a key starts with its variant's tag, a document's
/// with its kind, a list entry's with its authority (whose code holds no `:`), so the
/// identifiers skipped could never match.
pub(crate) fn probable_merges(
    view: View<'_>,
    snapshot: &Snapshot,
    report: &[EntryReport],
) -> Vec<Note> {
    let authority = snapshot.authority();
    // The removals with evidence, in report order, each with its evidence and their keys.
    let removals: Vec<Removal<'_>> = report
        .iter()
        .filter_map(|entry| {
            let Outcome::Delisted { designation, .. } = &entry.outcome else {
                return None;
            };
            let record = view
                .designation(*designation)
                .and_then(|d| view.entity(d.record.entity))?;
            let evidence: Vec<(&Identifier, String)> = record
                .identifiers
                .iter()
                .filter(|i| merge_evidence(i, authority))
                .map(|i| (i, i.lookup_key()))
                .collect();
            (!evidence.is_empty()).then_some((entry, *designation, evidence))
        })
        .collect();
    if removals.is_empty() {
        return Vec::new();
    }
    // For each key of the removals' evidence, the positions of the entries that carry it, in
    // the snapshot's order.
    let mut holders: foldhash::HashMap<&str, Vec<usize>> = removals
        .iter()
        .flat_map(|(_, _, evidence)| evidence.iter().map(|(_, key)| (key.as_str(), Vec::new())))
        .collect();
    let entries: Vec<&ListEntry> = snapshot.entries().collect();
    // One buffer for the keys of the snapshot's identifiers, which are mostly not sought.
    let mut key = String::new();
    for (at, entry) in entries.iter().enumerate() {
        for identifier in &entry.entity.identifiers {
            if !merge_evidence(identifier, authority) {
                continue;
            }
            identifier.lookup_key_into(&mut key);
            if let Some(positions) = holders.get_mut(key.as_str()) {
                if positions.last() != Some(&at) {
                    positions.push(at);
                }
            }
        }
    }
    let holding = |key: &str| holders.get(key).map_or(&[][..], Vec::as_slice);
    let mut notes = Vec::new();
    for (entry, designation, evidence) in &removals {
        // The first entry, other than the removed one, that carries any of its evidence.
        let first = evidence
            .iter()
            .filter_map(|(_, key)| {
                holding(key)
                    .iter()
                    .copied()
                    .find(|&at| entries[at].id != entry.id)
            })
            .min();
        let Some(kept) = first else {
            continue;
        };
        let shared: Vec<Identifier> = evidence
            .iter()
            .filter(|(_, key)| holding(key).binary_search(&kept).is_ok())
            .map(|(i, _)| (*i).clone())
            .collect();
        notes.push(Note::ProbableMerge(ProbableMerge {
            removed: entry.id.clone(),
            designation: *designation,
            kept: entries[kept].id.clone(),
            shared,
        }));
    }
    notes
}
