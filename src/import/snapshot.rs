//! [`Snapshot`]: one list file as parsed, and its [`ListEntry`]s.

use std::collections::btree_map::{self, BTreeMap};

use chrono::NaiveDate;

use crate::authority::{Authority, Program};
use crate::designation::{DesignationTerms, Measure};
use crate::entity::Entity;
use crate::id::{DesignationId, EntityId};

use super::warning::Warning;

/// One official list as published (or captured) on one date: the entries it holds, by their
/// list id.
///
/// A snapshot says nothing about history by itself; [`reconcile`](crate::import::reconcile)
/// compares it with a ledger to find what changed.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::import::{ofac, Snapshot};
///
/// let date = NaiveDate::from_ymd_opt(2023, 8, 9).unwrap_or_default();
/// let sdn = b"44541,\"OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES\",-0- ,\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
/// let snapshot: Snapshot = ofac::SdnFiles::new("sdn.csv", sdn).parse(date)?;
/// assert_eq!(snapshot.len(), 1);
/// assert_eq!(snapshot.get("44541").map(|e| e.entity.name.as_str()),
///            Some("OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES"));
/// # Ok::<(), sanctions_ledger::import::ImportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    authority: Authority,
    list: String,
    date: NaiveDate,
    file: String,
    dated: bool,
    entries: BTreeMap<String, ListEntry>,
    warnings: Vec<Warning>,
}

impl Snapshot {
    /// An empty snapshot of `authority`'s list `list` (a short name such as `SDN`) on `date`,
    /// read from `file` (used in messages and citations).
    ///
    /// `dated` says whether the list gives real designation dates ([`ListEntry::listed_on`]);
    /// when it does not, changes found by reconciliation carry an observation window.
    #[must_use]
    pub fn new(
        authority: Authority,
        list: impl Into<String>,
        date: NaiveDate,
        file: impl Into<String>,
        dated: bool,
    ) -> Self {
        Snapshot {
            authority,
            list: list.into(),
            date,
            file: file.into(),
            dated,
            entries: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds an entry; `false` (and no change) when an entry with the same id is already there.
    /// An entry whose [`list`](ListEntry::list) is empty gets the snapshot's list.
    pub fn insert(&mut self, mut entry: ListEntry) -> bool {
        if entry.list.is_empty() {
            entry.list.clone_from(&self.list);
        }
        match self.entries.entry(entry.id.clone()) {
            btree_map::Entry::Occupied(_) => false,
            btree_map::Entry::Vacant(slot) => {
                slot.insert(entry);
                true
            }
        }
    }

    /// The list's authority.
    #[must_use]
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The list's short name, e.g. `SDN`: the publication the snapshot is of, which scopes its
    /// ids. A publication can hold entries of several lists (OFAC's non-SDN Consolidated list
    /// holds SSI, NS-MBS, CMIC, ... entries); each entry names its own in [`ListEntry::list`].
    #[must_use]
    pub fn list(&self) -> &str {
        &self.list
    }

    /// The date of publication or capture.
    #[must_use]
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The file the snapshot was read from.
    #[must_use]
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Whether the list gives real designation dates.
    #[must_use]
    pub fn is_dated(&self) -> bool {
        self.dated
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the snapshot has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with this list id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&ListEntry> {
        self.entries.get(id)
    }

    /// The entries, sorted by list id (as text).
    pub fn entries(&self) -> impl Iterator<Item = &ListEntry> {
        self.entries.values()
    }

    /// What the parser read past without refusing the file (bare quotes, entries without a
    /// listing date, rows left out by the caller's leave, ...), in file order.
    #[must_use]
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Adds a warning, for parsers outside this crate.
    pub fn add_warning(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// Mutable access to every entry, for the parsers' last pass.
    pub(crate) fn entries_mut(&mut self) -> impl Iterator<Item = &mut ListEntry> {
        self.entries.values_mut()
    }

    /// Mutable access to an entry, for the parsers' companion files.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut ListEntry> {
        self.entries.get_mut(id)
    }

    /// `AUTHORITY:LIST`, the prefix of every id derived for this list.
    pub(crate) fn key(&self) -> String {
        format!("{}:{}", self.authority, self.list)
    }

    /// The label used in change citations, e.g. `US-OFAC SDN list`.
    pub(crate) fn label(&self) -> String {
        format!("{} {} list", self.authority, self.list)
    }

    /// The entity id an entry of this list gets in the ledger.
    #[must_use]
    pub fn entity_id(&self, entry_id: &str) -> EntityId {
        EntityId::derive(&format!("{}:{entry_id}", self.key()))
    }

    /// The id of the designation of entry `entry_id` effective `since`. A re-listing after a
    /// delisting has a later date and so a new id.
    #[must_use]
    pub fn designation_id(&self, entry_id: &str, since: NaiveDate) -> DesignationId {
        DesignationId::derive(&format!("{}:{entry_id}:{since}", self.key()))
    }
}

/// One entry of a list: the subject's facts and the legal terms of its listing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListEntry {
    /// The entry's id on the list: OFAC `ent_num`, UN `REFERENCE_NUMBER`.
    pub id: String,
    /// The short name of the list the entry is on, e.g. `SDN`, or `SSI`, `NS-MBS`, `NS-CMIC`
    /// for entries of OFAC's non-SDN Consolidated list. Empty until the entry is added to a
    /// snapshot, which then gives it the snapshot's list.
    pub list: String,
    /// The subject, in canonical form (see [`canonical_entity`]).
    pub entity: Entity,
    /// The programs it is listed under, sorted, without repeats.
    pub programs: Vec<Program>,
    /// The measures imposed, sorted, without repeats.
    pub measures: Vec<Measure>,
    /// The designation date the list gives, if it gives one (UN `LISTED_ON`).
    pub listed_on: Option<NaiveDate>,
    /// Dates on which the list says the entry was amended (UN `LAST_DAY_UPDATED`), sorted.
    pub amended_on: Vec<NaiveDate>,
    /// The line of the file where the entry starts.
    pub line: usize,
}

impl ListEntry {
    /// An entry with the given id and subject, canonicalised, with no programs or measures.
    #[must_use]
    pub fn new(id: impl Into<String>, entity: Entity, line: usize) -> Self {
        let mut entry = ListEntry::raw(id.into(), entity, line);
        entry.entity = canonical_entity(entry.entity);
        entry
    }

    /// An entry as read, to be canonicalised by the parser once complete.
    pub(crate) fn raw(id: String, entity: Entity, line: usize) -> Self {
        ListEntry {
            id,
            list: String::new(),
            entity,
            programs: Vec::new(),
            measures: Vec::new(),
            listed_on: None,
            amended_on: Vec::new(),
            line,
        }
    }

    /// The entry's legal terms: its programs and measures.
    #[must_use]
    pub fn terms(&self) -> (&[Program], &[Measure]) {
        (&self.programs, &self.measures)
    }

    /// Sorts and de-duplicates programs, measures, dates and the entity's lists.
    pub(crate) fn canonicalise(&mut self) {
        let placeholder = Entity::new(self.entity.kind, "");
        self.entity = canonical_entity(std::mem::replace(&mut self.entity, placeholder));
        self.programs.sort();
        self.programs.dedup();
        self.measures.sort();
        self.measures.dedup();
        self.amended_on.sort();
        self.amended_on.dedup();
    }
}

/// Collapses every run of whitespace to one space and trims the ends.
///
/// # Example
///
/// ```
/// use sanctions_ledger::import::collapse_spaces;
///
/// assert_eq!(collapse_spaces(" BELAVIA \t BELARUSIAN\r\nAIRLINES "), "BELAVIA BELARUSIAN AIRLINES");
/// ```
#[must_use]
pub fn collapse_spaces(text: &str) -> String {
    let mut owned = text.to_owned();
    collapse_in_place(&mut owned);
    owned
}

/// [`collapse_spaces`] without allocating when the text is already collapsed (the common case).
fn collapse_in_place(text: &mut String) {
    let bytes = text.as_bytes();
    let collapsed = if bytes.len() < 64 {
        // One pass: ASCII only, no control whitespace, no leading, trailing or double space.
        let mut previous = b' ';
        let mut clean = true;
        for &b in bytes {
            if b >= 0x80 || (b <= b' ' && (b != b' ' || previous == b' ')) {
                clean = false;
                break;
            }
            previous = b;
        }
        clean && previous != b' '
    } else {
        // Long text (remarks): the same checks with vectorised searches.
        bytes.is_ascii()
            && bytes.first() != Some(&b' ')
            && bytes.last() != Some(&b' ')
            && memchr::memchr3(b'\t', b'\n', b'\r', bytes).is_none()
            && memchr::memchr2(0x0b, 0x0c, bytes).is_none()
            && memchr::memmem::find(bytes, b"  ").is_none()
    };
    if collapsed {
        return;
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    *text = out;
}

/// The canonical form of an entity, in which two records that differ only in the order of
/// aliases, addresses, identifiers or countries, or in whitespace, are equal.
///
/// Whitespace runs become one space; aliases equal to the name, blank values and repeats are
/// dropped; lists are sorted (identifiers by [`Identifier::lookup_key`](crate::Identifier::lookup_key)).
///
/// # Example
///
/// ```
/// use sanctions_ledger::{Entity, EntityKind};
/// use sanctions_ledger::import::canonical_entity;
///
/// let a = Entity::new(EntityKind::Organisation, "BELAVIA ").with_alias("B").with_alias("A  Z");
/// let b = Entity::new(EntityKind::Organisation, " BELAVIA").with_alias("A Z").with_alias("B");
/// assert_eq!(canonical_entity(a), canonical_entity(b));
/// ```
#[must_use]
pub fn canonical_entity(mut entity: Entity) -> Entity {
    collapse_in_place(&mut entity.name);
    canonical_strings(&mut entity.aliases);
    entity.aliases.retain(|a| *a != entity.name);
    canonical_strings(&mut entity.addresses);
    if entity.identifiers.len() > 1 {
        let mut keyed: Vec<(String, crate::Identifier)> = std::mem::take(&mut entity.identifiers)
            .into_iter()
            .map(|i| (i.lookup_key(), i))
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.dedup_by(|a, b| a.0 == b.0);
        entity.identifiers = keyed.into_iter().map(|(_, i)| i).collect();
    }
    entity.countries.sort();
    entity.countries.dedup();
    for value in entity.details.values_mut() {
        collapse_in_place(value);
    }
    entity.details.retain(|_, v| !v.is_empty());
    entity
}

fn canonical_strings(values: &mut Vec<String>) {
    for value in values.iter_mut() {
        collapse_in_place(value);
    }
    values.retain(|v| !v.is_empty());
    values.sort();
    values.dedup();
}

/// Canonical legal terms: the programs and measures of `terms`, sorted, without repeats.
pub(crate) fn canonical_terms(terms: &DesignationTerms) -> (Vec<Program>, Vec<Measure>) {
    let mut programs = terms.programs.clone();
    programs.sort();
    programs.dedup();
    let mut measures = terms.measures.clone();
    measures.sort();
    measures.dedup();
    (programs, measures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_text_collapse_alike() {
        let long = "x".repeat(70);
        for (raw, want) in [
            ("a b", "a b".to_owned()),
            (" a  b\t", "a b".to_owned()),
            ("a\u{a0}b", "a b".to_owned()),
            ("", String::new()),
            (&*format!("{long} "), long.clone()),
            (&*format!("{long}  {long}"), format!("{long} {long}")),
            (&*format!("{long}\r\n{long}"), format!("{long} {long}")),
            (&*format!("{long}\u{b}{long}"), format!("{long} {long}")),
            (&*format!("{long} {long}"), format!("{long} {long}")),
        ] {
            assert_eq!(collapse_spaces(raw), want, "{raw:?}");
        }
    }
}
