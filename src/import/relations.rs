//! Relations a publication states between its entries ([`StatedRelation`]), how each
//! importer reads them, and how reconciliation turns them into relation changes
//! ([`RelationReport`]).
//!
//! | source | what it states | [`RelationKind`] | how the other party is named |
//! |---|---|---|---|
//! | OFAC ENHANCED XML | `Owned or Controlled By` | [`OwnedOrControlled`](RelationKind::OwnedOrControlled), the related entity as subject | by entity id |
//! | OFAC ENHANCED XML | `Acting for or on behalf of` | [`ActingFor`](RelationKind::ActingFor) | by entity id |
//! | OFAC ENHANCED XML | `Owns, controls, or operates`, any other type | [`Other`](RelationKind::Other) with OFAC's words | by entity id |
//! | OFAC legacy CSV | `Linked To: NAME.` in the remarks | [`LinkedTo`](RelationKind::LinkedTo) | by name |
//! | UK Sanctions List | `Parent company`, `Subsidiaries` | [`Ownership`](RelationKind::Ownership) without a share | by name |
//!
//! None of these sources gives a share or a date. An ownership without a share, an
//! "owned or controlled" relation, acting for and linked to are recorded and never derived
//! from: derived status counts only an ownership with a known share and a control (see
//! [`Relation`](crate::Relation)).
//!
//! A party named by name is resolved to an entry of the same snapshot only when exactly one
//! other entry has that name or alias, compared after collapsing whitespace and ignoring case
//! (and, for OFAC's remarks, with or without the full stop that ends them); otherwise the
//! snapshot keeps a [`WarningKind::RelationUnresolved`] and no relation. A party named by id
//! that the file does not hold gives a [`WarningKind::RelatedEntryMissing`]. Nothing is
//! guessed.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ofac_enhanced::{EnhancedFile, RelationshipKind};
use super::snapshot::{collapse_spaces, Snapshot};
use super::uk::UkFile;
use super::warning::{Warning, WarningKind};
use crate::change::{Change, ChangeKind, ObservationWindow, Source};
use crate::derived::RelationInForce;
use crate::id::{ChangeId, EntityId, RelationId};
use crate::relation::{Relation, RelationKind, RelationTerms};
use crate::view::View;

/// A relation that a publication states between two of its entries, by their list ids.
///
/// # Example
///
/// ```
/// use sanctions_ledger::import::StatedRelation;
/// use sanctions_ledger::RelationKind;
///
/// // OFAC's ENHANCED XML: 20312 Gazprombank (Switzerland) is owned or controlled by 17016.
/// let stated = StatedRelation::new(RelationKind::OwnedOrControlled, "17016", "20312", "20312", 1);
/// assert_eq!((stated.subject.as_str(), stated.object.as_str()), ("17016", "20312"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StatedRelation {
    /// What the relation is.
    pub kind: RelationKind,
    /// The list id of the subject (the owner, the one acting for or linked).
    pub subject: String,
    /// The list id of the object.
    pub object: String,
    /// What the source says of it besides (none of the sources gives a share).
    #[serde(default)]
    pub terms: RelationTerms,
    /// The list id of the entry whose record states it.
    pub stated_by: String,
    /// The line of the file where that entry starts.
    pub line: usize,
}

impl StatedRelation {
    /// A relation of `kind` from entry `subject` to entry `object`, stated by entry
    /// `stated_by` at `line`, with empty terms.
    #[must_use]
    pub fn new(
        kind: RelationKind,
        subject: impl Into<String>,
        object: impl Into<String>,
        stated_by: impl Into<String>,
        line: usize,
    ) -> Self {
        StatedRelation {
            kind,
            subject: subject.into(),
            object: object.into(),
            terms: RelationTerms::default(),
            stated_by: stated_by.into(),
            line,
        }
    }

    /// Replaces the terms.
    #[must_use]
    pub fn with_terms(mut self, terms: RelationTerms) -> Self {
        self.terms = terms;
        self
    }
}

/// What reconciliation did to one relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RelationOutcome {
    /// The file states a relation the ledger does not hold in force: begun.
    Begun,
    /// The file states it with other terms: amended.
    Amended,
    /// The file no longer states a relation this publication began: ended.
    Ended,
}

/// One relation change found by reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RelationReport {
    /// The relation.
    pub relation: RelationId,
    /// What it is.
    pub kind: RelationKind,
    /// Its subject.
    pub subject: EntityId,
    /// Its object.
    pub object: EntityId,
    /// What happened to it.
    pub outcome: RelationOutcome,
    /// The change's effective date: the snapshot's (no source dates its relations).
    pub effective: NaiveDate,
    /// The window the real date lies in.
    pub window: ObservationWindow,
}

/// The words for a kind, in messages and derived ids.
pub(crate) fn kind_name(kind: &RelationKind) -> String {
    match kind {
        RelationKind::Ownership => "ownership".into(),
        RelationKind::Control => "control".into(),
        RelationKind::OwnedOrControlled => "owned or controlled".into(),
        RelationKind::ActingFor => "acting for".into(),
        RelationKind::LinkedTo => "linked to".into(),
        RelationKind::Other(words) => words.clone(),
    }
}

/// A name as compared when resolving a party named by name.
fn normalise(name: &str) -> String {
    collapse_spaces(name).to_uppercase()
}

/// Whether `name` is its own [`normalise`]d form: printable ASCII without lower-case letters,
/// single spaces between words and none at the ends (most names of OFAC's files).
fn is_normal(name: &str) -> bool {
    let mut previous = b' ';
    for &b in name.as_bytes() {
        if !(b' '..=b'~').contains(&b) || b.is_ascii_lowercase() || (b == b' ' && previous == b' ')
        {
            return false;
        }
        previous = b;
    }
    previous != b' '
}

/// [`normalise`] into `buffer`, without allocating for ASCII text (nearly every name).
fn normalise_into(name: &str, buffer: &mut String) {
    buffer.clear();
    if !name.is_ascii() {
        buffer.push_str(&normalise(name));
        return;
    }
    // `collapse_spaces` joins the words `split_whitespace` gives; ASCII upper case is the full
    // upper case of ASCII text.
    for word in name.split_whitespace() {
        if !buffer.is_empty() {
            buffer.push(' ');
        }
        buffer.extend(word.bytes().map(|b| char::from(b.to_ascii_uppercase())));
    }
}

/// The snapshot's entries by normalised name and alias, for the names sought only.
struct Names<'s>(foldhash::HashMap<String, Vec<&'s str>>);

impl<'s> Names<'s> {
    /// The entries of `snapshot` whose name or an alias is one of `sought`: the snapshot's
    /// names are normalised into one reused buffer and looked up among those sought, so only
    /// the few that are sought are kept (a full SDN file has some 40,000 names and aliases, its
    /// links name about 6,000).
    fn of<'n>(snapshot: &'s Snapshot, sought: impl IntoIterator<Item = &'n str>) -> Self {
        let mut names: foldhash::HashMap<String, Vec<&'s str>> = sought
            .into_iter()
            .map(|name| (normalise(name), Vec::new()))
            .collect();
        let mut buffer = String::new();
        for entry in snapshot.entries() {
            let entity = &entry.entity;
            for name in std::iter::once(&entity.name).chain(&entity.aliases) {
                let normalised = if is_normal(name) {
                    name.as_str()
                } else {
                    normalise_into(name, &mut buffer);
                    buffer.as_str()
                };
                if let Some(ids) = names.get_mut(normalised) {
                    if !ids.contains(&entry.id.as_str()) {
                        ids.push(&entry.id);
                    }
                }
            }
        }
        Names(names)
    }

    /// The one entry other than `stated_by` that `texts` name, or how many they name.
    fn resolve(&self, texts: &[&str], stated_by: &str) -> Result<String, usize> {
        let mut found: Vec<&str> = texts
            .iter()
            .filter_map(|&t| {
                if is_normal(t) {
                    self.0.get(t)
                } else {
                    self.0.get(&normalise(t))
                }
            })
            .flatten()
            .copied()
            .filter(|id| *id != stated_by)
            .collect();
        found.sort_unstable();
        found.dedup();
        match found[..] {
            [one] => Ok(one.to_owned()),
            _ => Err(found.len()),
        }
    }
}

/// A name without the full stop that ends OFAC's remarks, which may also end a name
/// (`S.A. DE C.V.`): both are sought.
fn bare(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

/// Adds to `snapshot` the relations stated by name, `(stated_by, line, kind, name, the name
/// is the subject)`, each resolved by [`Names::resolve`] or left with a warning.
fn add_by_name(snapshot: &mut Snapshot, stated: Vec<(String, usize, RelationKind, String, bool)>) {
    if stated.is_empty() {
        return;
    }
    let resolved: Vec<Result<String, usize>> = {
        let sought = stated
            .iter()
            .flat_map(|(_, _, _, name, _)| [name.as_str(), bare(name)]);
        let names = Names::of(snapshot, sought);
        stated
            .iter()
            .map(|(stated_by, _, _, name, _)| names.resolve(&[name, bare(name)], stated_by))
            .collect()
    };
    let file = snapshot.file().to_owned();
    for ((stated_by, line, kind, name, named_is_subject), found) in stated.into_iter().zip(resolved)
    {
        match found {
            Ok(other) => {
                let (subject, object) = if named_is_subject {
                    (other, stated_by.clone())
                } else {
                    (stated_by.clone(), other)
                };
                snapshot.add_relation(StatedRelation::new(kind, subject, object, stated_by, line));
            }
            Err(matches) => snapshot.add_warning(Warning::new(
                &file,
                line,
                WarningKind::RelationUnresolved {
                    entry: stated_by,
                    relation: kind,
                    name,
                    matches,
                },
            )),
        }
    }
}

/// Reads the `Linked To: NAME` items of OFAC's remarks into [`RelationKind::LinkedTo`]
/// relations from the entry to the one named.
pub(crate) fn read_linked_to(snapshot: &mut Snapshot) {
    let mut stated = Vec::new();
    for entry in snapshot.entries() {
        let Some(remarks) = entry.entity.details.get("remarks") else {
            continue;
        };
        if !remarks.contains("Linked To:") {
            continue;
        }
        for item in remarks.split(';') {
            if let Some(name) = item.trim().strip_prefix("Linked To:") {
                let name = name.trim();
                if !name.is_empty() && !name.eq(".") {
                    let kind = RelationKind::LinkedTo;
                    stated.push((entry.id.clone(), entry.line, kind, name.to_owned(), false));
                }
            }
        }
    }
    // An entry on two lists states its links once.
    stated.sort();
    stated.dedup();
    add_by_name(snapshot, stated);
}

/// Reads the UK list's parent companies and subsidiaries into [`RelationKind::Ownership`]
/// relations without a share: the parent owns the entry, the entry owns its subsidiaries.
pub(crate) fn read_uk(file: &UkFile, snapshot: &mut Snapshot) {
    let mut stated = Vec::new();
    for record in &file.designations {
        let id = &record.unique_id;
        for (names, named_is_subject) in [
            (&record.entity.parent_companies, true),
            (&record.entity.subsidiaries, false),
        ] {
            for name in names.iter().map(|n| collapse_spaces(n)) {
                if !name.is_empty() {
                    let kind = RelationKind::Ownership;
                    stated.push((id.clone(), record.line, kind, name, named_is_subject));
                }
            }
        }
    }
    add_by_name(snapshot, stated);
}

/// The kind an ENHANCED relationship type gives, and whether the related entity is its
/// subject.
fn enhanced_kind(kind: &RelationshipKind, words: &str) -> (RelationKind, bool) {
    match kind {
        RelationshipKind::OwnedOrControlledBy => (RelationKind::OwnedOrControlled, true),
        RelationshipKind::ActingFor => (RelationKind::ActingFor, false),
        // "Owns, controls, or operates" also covers operating: not the "owned or controlled"
        // of the other type, so it stays in OFAC's words.
        _ => (RelationKind::Other(words.trim().to_owned()), false),
    }
}

/// Reads the relationships of an ENHANCED file's entities between entities it holds.
pub(crate) fn read_enhanced(file: &EnhancedFile, snapshot: &mut Snapshot) {
    for record in &file.entities {
        let id = record.id.to_string();
        for relationship in &record.relationships {
            let related = relationship.related_entity.to_string();
            let (kind, related_is_subject) =
                enhanced_kind(&relationship.relationship_kind(), &relationship.kind.value);
            if snapshot.memberships(&related).is_empty() || related == id {
                snapshot.add_warning(Warning::new(
                    &file.file,
                    record.line,
                    WarningKind::RelatedEntryMissing {
                        entry: id.clone(),
                        relation: kind,
                        related,
                        name: relationship.related_name.clone(),
                    },
                ));
                continue;
            }
            let (subject, object) = if related_is_subject {
                (related, id.clone())
            } else {
                (id.clone(), related)
            };
            let mut terms = RelationTerms::default();
            if let Some(comments) = relationship.comments.as_deref().map(collapse_spaces) {
                if !comments.is_empty() {
                    terms = terms.with_description(comments);
                }
            }
            snapshot.add_relation(
                StatedRelation::new(kind, subject, object, id.clone(), record.line)
                    .with_terms(terms),
            );
        }
    }
}

/// What [`found`] needs of the reconciliation under way.
pub(super) struct Context<'a> {
    pub(super) recorded: DateTime<Utc>,
    pub(super) previous: Option<NaiveDate>,
    pub(super) source: &'a Source,
    /// The entity ids of the snapshot's entries.
    pub(super) entity_ids: &'a super::reconcile::EntityIds<'a>,
    /// What the ledger holds of the snapshot's entities.
    pub(super) known: &'a super::reconcile::KnownEntities<'a>,
    /// The relations begun by changes citing the publication (found in the same pass over
    /// the ledger's changes as the entries' designations), repeats included.
    pub(super) begun: Vec<RelationId>,
    /// The changes found so far for the entries.
    pub(super) batch: &'a [Change],
    /// The warnings so far.
    pub(super) warnings: &'a [Warning],
}

/// The relation changes of one reconciliation.
pub(super) struct Found {
    pub(super) changes: Vec<Change>,
    pub(super) report: Vec<RelationReport>,
    pub(super) warnings: Vec<Warning>,
    /// As in the entries' reconciliation: what the ledger cannot take without undoing what
    /// another capture of the same date recorded.
    pub(super) conflicts: Vec<(String, String)>,
}

type Key = (RelationKind, EntityId, EntityId);

/// Compares the relations `snapshot` states with those its publication began in the ledger
/// and in force on its date: begins the new, amends those whose terms changed, ends those the
/// file no longer states. Each change is effective on the snapshot's date with the window
/// `(previous, date]`.
///
/// A relation stays in force when the file cannot say: one of its parties is gone from a file
/// that does not hold that party's list (a [`WarningKind::MembershipNotCovered`]), or the file
/// still states a relation of that kind by that entry but its other party could not be
/// resolved ([`WarningKind::RelationUnresolved`], [`WarningKind::RelatedEntryMissing`]).
pub(super) fn found(view: View<'_>, snapshot: &Snapshot, context: &Context<'_>) -> Found {
    let date = snapshot.date();
    let mut pass = Pass {
        view,
        snapshot,
        context,
        date,
        prefix: snapshot.prefix(),
        window: ObservationWindow::new(context.previous.filter(|&p| p < date), date),
        out: Found {
            changes: Vec::new(),
            report: Vec::new(),
            warnings: Vec::new(),
            conflicts: Vec::new(),
        },
    };
    let (in_force, ended_today) = pass.in_force();
    let stated = pass.stated();
    for (key, relation) in &stated {
        if !in_force.contains_key(key) && ended_today.contains(key) {
            // Ended on this very date by another capture of it: beginning it again would
            // return to what that capture superseded.
            pass.out.conflicts.push((
                relation.stated_by.clone(),
                format!(
                    "states a relation ({}) that another capture ended effective {date}; it \
                     cannot begin again on the day it ended",
                    kind_name(&key.0)
                ),
            ));
            continue;
        }
        pass.begin_or_amend(key, relation, in_force.get(key));
    }
    pass.end_unstated(&in_force, &stated);
    pass.out
}

/// One reconciliation's relation changes, being assembled.
struct Pass<'v, 's, 'c> {
    view: View<'v>,
    snapshot: &'s Snapshot,
    context: &'c Context<'c>,
    date: NaiveDate,
    prefix: String,
    window: ObservationWindow,
    out: Found,
}

impl<'s> Pass<'_, 's, '_> {
    /// The publication's relations in force on the date (those begun by a change citing it),
    /// and those that end on the date.
    fn in_force(&self) -> (BTreeMap<Key, (RelationId, RelationInForce)>, HashSet<Key>) {
        let mut begun = self.context.begun.clone();
        begun.sort_unstable();
        begun.dedup();
        let mut in_force = BTreeMap::new();
        let mut ended_today = HashSet::new();
        let day_before = self.date.pred_opt();
        for relation in begun {
            if let Some(r) = self.view.relation_on(relation, self.date) {
                in_force.insert((r.kind.clone(), r.subject, r.object), (relation, r));
            } else if let Some(r) = day_before.and_then(|d| self.view.relation_on(relation, d)) {
                ended_today.insert((r.kind.clone(), r.subject, r.object));
            }
        }
        (in_force, ended_today)
    }

    /// The relations the file states between entities the ledger or this batch knows, once
    /// each; a warning for each other one.
    fn stated(&mut self) -> BTreeMap<Key, &'s StatedRelation> {
        let snapshot = self.snapshot;
        let registered: HashSet<EntityId> = self
            .context
            .batch
            .iter()
            .filter_map(|c| match &c.kind {
                ChangeKind::RegisterEntity { entity, .. } => Some(*entity),
                _ => None,
            })
            .collect();
        let ids = self.context.entity_ids;
        let ledger = self.context.known;
        // Asked of the snapshot's entities only.
        let known = |entity: EntityId| registered.contains(&entity) || ledger.knows(entity);
        let mut stated = BTreeMap::new();
        for relation in snapshot.relations() {
            let subject = ids.of_entry(&relation.subject);
            let object = ids.of_entry(&relation.object);
            let (subject_entity, object_entity) = (
                subject.unwrap_or_else(|| ids.get(&relation.subject)),
                object.unwrap_or_else(|| ids.get(&relation.object)),
            );
            if subject_entity == object_entity {
                continue;
            }
            // A party the snapshot does not hold, or that neither the ledger nor this batch
            // knows.
            let missing = [(&relation.subject, subject), (&relation.object, object)]
                .into_iter()
                .find(|(_, entity)| entity.is_none_or(|e| !known(e)));
            if let Some((id, _)) = missing {
                self.out.warnings.push(Warning::new(
                    snapshot.file(),
                    relation.line,
                    WarningKind::RelatedEntryMissing {
                        entry: relation.stated_by.clone(),
                        relation: relation.kind.clone(),
                        related: id.clone(),
                        name: String::new(),
                    },
                ));
                continue;
            }
            stated
                .entry((relation.kind.clone(), subject_entity, object_entity))
                .or_insert(relation);
        }
        stated
    }

    /// Appends a change of `relation`; `false` (and a conflict) when the ledger holds every id
    /// it could take. As for the entries' changes, the id derives from the publication, the
    /// relation, the event and the date, and from the content too when another capture of the
    /// same date took the first.
    fn push(&mut self, relation: RelationId, event: &str, kind: ChangeKind) -> bool {
        let date = self.date;
        let base = format!("{}:relation:{relation}:{event}:{date}", self.prefix);
        let mut id = ChangeId::derive(&base);
        if self.view.change(id).is_some() {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            id = ChangeId::derive(&format!("{base}:{json}"));
            if self.view.change(id).is_some() {
                self.out.conflicts.push((
                    relation.to_string(),
                    format!(
                        "returns to what the ledger recorded on {date} and then superseded ({})",
                        kind.name()
                    ),
                ));
                return false;
            }
        }
        let source = self.context.source.clone();
        let mut change = Change::new(id, date, self.context.recorded, source, kind);
        change.window = Some(self.window);
        self.out.changes.push(change);
        true
    }

    fn report(&mut self, relation: RelationId, key: &Key, outcome: RelationOutcome) {
        self.out.report.push(RelationReport {
            relation,
            kind: key.0.clone(),
            subject: key.1,
            object: key.2,
            outcome,
            effective: self.date,
            window: self.window,
        });
    }

    /// Begins a stated relation the ledger does not hold in force, or amends its terms.
    fn begin_or_amend(
        &mut self,
        key: &Key,
        relation: &StatedRelation,
        known: Option<&(RelationId, RelationInForce)>,
    ) {
        let (kind, subject, object) = key;
        match known {
            Some((_, r)) if r.terms == relation.terms => {}
            Some((id, _)) => {
                let change = ChangeKind::AmendRelation {
                    relation: *id,
                    terms: Box::new(relation.terms.clone()),
                };
                if self.push(*id, "amend", change) {
                    self.report(*id, key, RelationOutcome::Amended);
                }
            }
            None => {
                let date = self.date;
                let id = RelationId::derive(&format!(
                    "{}:relation:{}:{}:{}:{date}",
                    self.prefix,
                    kind_name(kind),
                    relation.subject,
                    relation.object
                ));
                if let Some(created) = self.view.relation(id) {
                    self.out.conflicts.push((
                        relation.stated_by.clone(),
                        format!(
                            "states a relation ({}) whose record of {} is in force {}, not on \
                             {date}",
                            kind_name(kind),
                            created.in_force.from,
                            created.in_force
                        ),
                    ));
                    return;
                }
                let record = Relation::new(kind.clone(), *subject, *object)
                    .with_terms(relation.terms.clone());
                let change = ChangeKind::Relate {
                    relation: id,
                    record: Box::new(record),
                };
                if self.push(id, "relate", change) {
                    self.report(id, key, RelationOutcome::Begun);
                }
            }
        }
    }

    /// Ends the relations in force that the file no longer states, unless it cannot say: one
    /// of their parties is gone from a file that does not hold its list, or the file still
    /// states such a relation by one of them without resolving its other party.
    fn end_unstated(
        &mut self,
        in_force: &BTreeMap<Key, (RelationId, RelationInForce)>,
        stated: &BTreeMap<Key, &StatedRelation>,
    ) {
        let snapshot = self.snapshot;
        let silent: HashSet<(EntityId, Option<&RelationKind>)> = self
            .context
            .warnings
            .iter()
            .chain(snapshot.warnings())
            .filter_map(|w| match &w.kind {
                WarningKind::MembershipNotCovered { entry, .. } => {
                    Some((snapshot.entity_id(entry), None))
                }
                WarningKind::RelationUnresolved {
                    entry, relation, ..
                }
                | WarningKind::RelatedEntryMissing {
                    entry, relation, ..
                } => Some((snapshot.entity_id(entry), Some(relation))),
                _ => None,
            })
            .collect();
        for (key, (id, r)) in in_force {
            if stated.contains_key(key) {
                continue;
            }
            let kind = &key.0;
            let unsaid = [r.subject, r.object]
                .into_iter()
                .any(|e| silent.contains(&(e, None)) || silent.contains(&(e, Some(kind))));
            if unsaid {
                continue;
            }
            if r.since >= self.date {
                self.out.conflicts.push((
                    id.to_string(),
                    format!(
                        "the relation ({}) began effective {} and is not in this file; it \
                         cannot end on the day it began",
                        kind_name(kind),
                        r.since
                    ),
                ));
                continue;
            }
            if self.push(*id, "end", ChangeKind::EndRelation { relation: *id }) {
                self.report(*id, key, RelationOutcome::Ended);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_alike_with_and_without_the_buffer() {
        let mut buffer = String::from("left over");
        for name in [
            "BELAVIA",
            "  Belavia  Belarusian\tAirlines ",
            "a\u{b}b\u{c}c\r\nd",
            "S.A. DE C.V.",
            "",
            " \t ",
            "Lukašenka straße",
            "ÉCOLE\u{a0}NATIONALE",
        ] {
            normalise_into(name, &mut buffer);
            assert_eq!(buffer, normalise(name), "{name:?}");
            if is_normal(name) {
                assert_eq!(name, normalise(name), "{name:?}");
            }
        }
        for name in ["BELAVIA", "S.A. DE C.V.", "A B", "X'Y-Z (1)", "~"] {
            assert!(is_normal(name), "{name:?}");
        }
        for name in ["Belavia", "A  B", " A", "A ", "A\tB", "\u{e9}", ""] {
            assert!(!is_normal(name), "{name:?}");
        }
    }
}
