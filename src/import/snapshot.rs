//! [`Snapshot`]: one list file as parsed, and its [`ListEntry`]s.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::{Authority, Program};
use crate::designation::{DesignationTerms, Measure};
use crate::entity::{Entity, Identifier};
use crate::id::{DesignationId, EntityId};
use crate::list::List;

use super::relations::StatedRelation;
use super::warning::{Warning, WarningKind};

/// One publication of an authority's list files, as published (or captured) on one date:
/// the entries it holds, each on one of the authority's [`List`]s.
///
/// A publication is a file (or file set) with its own key: `SDN` for OFAC's SDN list (the
/// legacy CSV set or `SDN_ENHANCED`), `CONS` for OFAC's non-SDN Consolidated list (which
/// gathers the SSI, NS-MBS, NS-CMIC, NS-PLC, CAPTA and FSE lists), `CONSOLIDATED` for the UN
/// and EU consolidated lists, `UKSL` for the UK Sanctions List. The key scopes every id derived
/// from the publication (entities, designations, changes), and is also the code of the list
/// an entry is on when its parser names none ([`Snapshot::default_list`]).
///
/// An entry is one list id's membership of one list ([`ListEntry`]): a subject on two lists of
/// one publication (Gazprombank on OFAC's SSI and SDN lists, in the Consolidated list's
/// ENHANCED XML) is two entries with the same id and subject, which reconciliation turns into
/// one entity and one designation per list.
///
/// A snapshot says nothing about history by itself; [`reconcile`](crate::import::reconcile)
/// compares it with a ledger to find what changed.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::import::{ofac, Snapshot};
/// use sanctions_ledger::List;
///
/// let date = NaiveDate::from_ymd_opt(2023, 8, 9).unwrap_or_default();
/// let sdn = b"44541,\"OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES\",-0- ,\"BELARUS-EO14038\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
/// let snapshot: Snapshot = ofac::SdnFiles::new("sdn.csv", sdn).parse(date)?;
/// assert_eq!(snapshot.len(), 1);
/// let entry = snapshot.get("44541").ok_or("missing")?;
/// assert_eq!(entry.entity.name, "OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES");
/// assert_eq!(entry.list, Some(List::US_OFAC_SDN));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Serialised as an object with the fields given to [`Snapshot::new`] (`authority`, `key`,
/// `date`, `file`, `dated`), the `default_list`, the `coverage`, the `entries` in order and the
/// `warnings`. Deserialising rebuilds the snapshot with [`Snapshot::insert`], so entries come
/// back canonical and carrying their list id, and a repeated (id, list) pair is refused.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SnapshotRepr")]
pub struct Snapshot {
    authority: Authority,
    key: String,
    default_list: Option<List>,
    date: NaiveDate,
    file: String,
    dated: bool,
    /// By list id, the entry's memberships sorted by list.
    entries: BTreeMap<String, Vec<ListEntry>>,
    len: usize,
    /// Which lists the publication holds the entries of.
    coverage: Coverage,
    warnings: Vec<Warning>,
    /// The relations the publication states between its entries.
    relations: Vec<StatedRelation>,
}

impl Snapshot {
    /// An empty snapshot of `authority`'s publication `key` (a short name such as `SDN`) on
    /// `date`, read from `file` (used in messages and citations).
    ///
    /// `dated` says whether the publication gives real designation dates
    /// ([`ListEntry::listed_on`]); when it does not, changes found by reconciliation carry an
    /// observation window. The key is also the code of the [`default_list`](Self::default_list),
    /// when it is a valid list code.
    #[must_use]
    pub fn new(
        authority: Authority,
        key: impl Into<String>,
        date: NaiveDate,
        file: impl Into<String>,
        dated: bool,
    ) -> Self {
        let key = key.into();
        let default_list = List::new(authority.clone(), &key).ok();
        Snapshot {
            authority,
            key,
            default_list,
            date,
            file: file.into(),
            dated,
            entries: BTreeMap::new(),
            len: 0,
            coverage: Coverage::AllBut(Vec::new()),
            warnings: Vec::new(),
            relations: Vec::new(),
        }
    }

    /// Says that the publication shows memberships of `list` without holding its entries: an
    /// entry absent from the publication may still be on `list`.
    ///
    /// OFAC's Consolidated list (`CONS_ENHANCED.XML`) holds an entity while it is on a non-SDN
    /// list, and shows its SDN list membership too; an entity that leaves the non-SDN lists
    /// vanishes from the file whether or not it stays on the SDN list. Reconciliation delists a
    /// membership of such a list only when the entry is still there without it; when the whole
    /// entry is gone it leaves the designation in force and reports a
    /// [`WarningKind::MembershipNotCovered`](crate::import::WarningKind::MembershipNotCovered).
    pub fn set_not_covered(&mut self, list: List) {
        match &mut self.coverage {
            Coverage::AllBut(lists) => {
                if !lists.contains(&list) {
                    lists.push(list);
                }
            }
            Coverage::Only(lists) => lists.retain(|l| *l != list),
        }
    }

    /// Says that the publication holds the entries of `lists` only, and shows memberships of
    /// any other list without holding its entries (OFAC's `SDN_ENHANCED.XML` holds the SDN
    /// list and shows its entities' SSI memberships): see [`Snapshot::set_not_covered`].
    pub fn set_covered_only(&mut self, lists: Vec<List>) {
        self.coverage = Coverage::Only(lists);
    }

    /// Whether the publication holds the entries of `list` (see [`Snapshot::set_not_covered`]):
    /// an entry absent from it is off `list`. Every list, unless said otherwise.
    #[must_use]
    pub fn covers(&self, list: &List) -> bool {
        match &self.coverage {
            Coverage::AllBut(lists) => !lists.contains(list),
            Coverage::Only(lists) => lists.contains(list),
        }
    }

    /// Adds an entry; `false` (and no change) when an entry with the same id on the same list
    /// is already there. An entry whose [`list`](ListEntry::list) is `None` gets the
    /// snapshot's [`default_list`](Self::default_list). Its subject carries its id as an
    /// [`Identifier::ListEntry`](crate::Identifier::ListEntry) of the snapshot's authority
    /// (added here if the parser left it out): reconciliation tells the publication's entities
    /// by it.
    pub fn insert(&mut self, mut entry: ListEntry) -> bool {
        if entry.list.is_none() {
            entry.list.clone_from(&self.default_list);
        }
        // Compared in place: parsers that add it (most) cost no identifier built per entry.
        let carries_own = entry.entity.identifiers.iter().any(|i| {
            matches!(i, Identifier::ListEntry { authority, id }
                if *authority == self.authority && *id == entry.id)
        });
        if !carries_own {
            let own = Identifier::list_entry(self.authority.clone(), entry.id.clone());
            let placeholder = Entity::new(entry.entity.kind, "");
            let mut entity = std::mem::replace(&mut entry.entity, placeholder);
            entity.identifiers.push(own);
            entry.entity = canonical_entity(entity);
        }
        let memberships = self.entries.entry(entry.id.clone()).or_default();
        match memberships.binary_search_by(|e| e.list.cmp(&entry.list)) {
            Ok(_) => false,
            Err(at) => {
                memberships.insert(at, entry);
                self.len += 1;
                true
            }
        }
    }

    /// The publication's authority.
    #[must_use]
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The publication's key, e.g. `SDN`, `CONS`: it scopes the publication's ids. (A
    /// publication can hold entries of several lists: OFAC's non-SDN Consolidated list holds
    /// SSI, NS-MBS, CMIC, ... entries; each entry names its own in [`ListEntry::list`].)
    #[must_use]
    pub fn list(&self) -> &str {
        &self.key
    }

    /// The list of an entry whose parser names none: the list whose code is the publication's
    /// key (`US-OFAC/SDN`, `UN/CONSOLIDATED`, ...), if the key is a valid list code.
    #[must_use]
    pub fn default_list(&self) -> Option<&List> {
        self.default_list.as_ref()
    }

    /// Sets the list of entries whose parser names none, in place of the list the key names
    /// (`None`: such entries are on no list). For importers whose publication key is not a
    /// list code, such as a Follow the Money file's snapshot per `publisher`.
    pub(crate) fn set_default_list(&mut self, list: Option<List>) {
        self.default_list = list;
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

    /// The number of entries (memberships: an id on two lists counts twice).
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the snapshot has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entry with this list id (on the first of its lists, in list order).
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&ListEntry> {
        self.entries.get(id).and_then(|e| e.first())
    }

    /// The entry with this list id on `list`.
    #[must_use]
    pub fn get_on(&self, id: &str, list: &List) -> Option<&ListEntry> {
        self.entries
            .get(id)
            .and_then(|e| e.iter().find(|entry| entry.list.as_ref() == Some(list)))
    }

    /// Every entry with this list id, one per list it is on, sorted by list.
    #[must_use]
    pub fn memberships(&self, id: &str) -> &[ListEntry] {
        self.entries.get(id).map_or(&[], Vec::as_slice)
    }

    /// The entries, sorted by list id (as text), then by list.
    pub fn entries(&self) -> impl Iterator<Item = &ListEntry> {
        self.entries.values().flatten()
    }

    /// The distinct list ids, sorted (as text).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The distinct list ids, sorted (as text), each with its memberships.
    pub(crate) fn by_id(&self) -> impl Iterator<Item = (&str, &[ListEntry])> {
        self.entries
            .iter()
            .map(|(id, memberships)| (id.as_str(), memberships.as_slice()))
    }

    /// Warns of every date an entry gives after the snapshot's own date, which reconciliation
    /// does not use ([`WarningKind::ListedAfterSnapshot`],
    /// [`WarningKind::AmendedAfterSnapshot`]), with the entry's line; for parsers of dated
    /// publications, once all entries are in.
    pub(crate) fn warn_of_dates_after_snapshot(&mut self) {
        let date = self.date;
        let mut warnings = Vec::new();
        for entry in self.entries() {
            let listed = entry
                .listed_on
                .into_iter()
                .map(|d| WarningKind::ListedAfterSnapshot {
                    entry: entry.id.clone(),
                    listed_on: d,
                    snapshot: date,
                });
            let amended = entry
                .amended_on
                .iter()
                .map(|&d| WarningKind::AmendedAfterSnapshot {
                    entry: entry.id.clone(),
                    amended_on: d,
                    snapshot: date,
                });
            let after = |kind: &WarningKind| match kind {
                WarningKind::ListedAfterSnapshot { listed_on: d, .. }
                | WarningKind::AmendedAfterSnapshot { amended_on: d, .. } => *d > date,
                _ => false,
            };
            warnings.extend(
                listed
                    .chain(amended)
                    .filter(after)
                    .map(|kind| Warning::new(&self.file, entry.line, kind)),
            );
        }
        warnings.sort_by_key(|w| w.line);
        self.warnings.extend(warnings);
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

    /// The relations the publication states between its entries (an ENHANCED relationship, a
    /// UK parent company, an OFAC `Linked To:`), in the order read: see
    /// [`StatedRelation`] and the [`import`](crate::import) module's table of what each
    /// source states.
    #[must_use]
    pub fn relations(&self) -> &[StatedRelation] {
        &self.relations
    }

    /// Adds a relation between two entries, for parsers outside this crate. Reconciliation
    /// records it only when both entries are in the snapshot.
    pub fn add_relation(&mut self, relation: StatedRelation) {
        self.relations.push(relation);
    }

    /// Mutable access to every entry, for the parsers' last pass.
    pub(crate) fn entries_mut(&mut self) -> impl Iterator<Item = &mut ListEntry> {
        self.entries.values_mut().flatten()
    }

    /// Mutable access to an entry (on the first of its lists), for the parsers' companion
    /// files.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut ListEntry> {
        self.entries.get_mut(id).and_then(|e| e.first_mut())
    }

    /// `AUTHORITY:KEY`, the prefix of every id derived for this publication.
    pub(crate) fn prefix(&self) -> String {
        format!("{}:{}", self.authority, self.key)
    }

    /// The label used in change citations, e.g. `US-OFAC SDN list`.
    pub(crate) fn label(&self) -> String {
        format!("{} {} list", self.authority, self.key)
    }

    /// The entity id an entry of this publication gets in the ledger: one per list id, whatever
    /// the lists it is on.
    #[must_use]
    pub fn entity_id(&self, entry_id: &str) -> EntityId {
        EntityId::derive(&format!("{}:{entry_id}", self.prefix()))
    }

    /// The id of the designation of entry `entry_id` on the default list effective `since`.
    /// A re-listing after a delisting has a later date and so a new id.
    #[must_use]
    pub fn designation_id(&self, entry_id: &str, since: NaiveDate) -> DesignationId {
        DesignationId::derive(&format!("{}:{entry_id}:{since}", self.prefix()))
    }

    /// The id of the designation of entry `entry_id` on `list` effective `since`: the same as
    /// [`Snapshot::designation_id`] on the default list (so that the ids of publications of
    /// one list, such as the SDN list, never change), and naming the list's code on any other.
    #[must_use]
    pub fn designation_id_on(
        &self,
        entry_id: &str,
        list: &List,
        since: NaiveDate,
    ) -> DesignationId {
        if self.default_list.as_ref() == Some(list) {
            return self.designation_id(entry_id, since);
        }
        DesignationId::derive(&format!(
            "{}:{}:{entry_id}:{since}",
            self.prefix(),
            list.code()
        ))
    }
}

/// A [`Snapshot`] as serialised: its parts, with the entries in one list.
#[derive(Serialize)]
struct SnapshotRef<'a> {
    authority: &'a Authority,
    key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_list: Option<&'a List>,
    date: NaiveDate,
    file: &'a str,
    dated: bool,
    coverage: &'a Coverage,
    entries: Vec<&'a ListEntry>,
    #[serde(skip_serializing_if = "<[Warning]>::is_empty")]
    warnings: &'a [Warning],
    #[serde(skip_serializing_if = "<[StatedRelation]>::is_empty")]
    relations: &'a [StatedRelation],
}

impl Serialize for Snapshot {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SnapshotRef {
            authority: &self.authority,
            key: &self.key,
            default_list: self.default_list.as_ref(),
            date: self.date,
            file: &self.file,
            dated: self.dated,
            coverage: &self.coverage,
            entries: self.entries().collect(),
            warnings: &self.warnings,
            relations: &self.relations,
        }
        .serialize(serializer)
    }
}

/// A [`Snapshot`] as deserialised, before it is rebuilt entry by entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotRepr {
    authority: Authority,
    key: String,
    #[serde(default)]
    default_list: Option<List>,
    date: NaiveDate,
    file: String,
    dated: bool,
    coverage: Coverage,
    entries: Vec<ListEntry>,
    #[serde(default)]
    warnings: Vec<Warning>,
    #[serde(default)]
    relations: Vec<StatedRelation>,
}

impl TryFrom<SnapshotRepr> for Snapshot {
    type Error = String;

    fn try_from(repr: SnapshotRepr) -> Result<Self, String> {
        let mut snapshot =
            Snapshot::new(repr.authority, repr.key, repr.date, repr.file, repr.dated);
        snapshot.default_list = repr.default_list;
        snapshot.coverage = repr.coverage;
        snapshot.warnings = repr.warnings;
        snapshot.relations = repr.relations;
        for entry in repr.entries {
            let (id, list) = (entry.id.clone(), entry.list.clone());
            if !snapshot.insert(entry) {
                let list = list.map_or_else(|| "its default list".to_owned(), |l| l.to_string());
                return Err(format!("entry {id} appears twice on {list}"));
            }
        }
        Ok(snapshot)
    }
}

/// Which lists a publication holds the entries of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Coverage {
    /// Every list but these.
    AllBut(Vec<List>),
    /// These lists only.
    Only(Vec<List>),
}

/// One entry of a publication on one of its lists: the subject's facts and the legal terms of
/// its listing there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListEntry {
    /// The entry's id in the publication: OFAC `ent_num` / UID, UN `REFERENCE_NUMBER`, EU
    /// `logicalId`, UK `UniqueID`.
    pub id: String,
    /// The list the entry is on, e.g. `US-OFAC/SDN`, or `US-OFAC/SSI`, `US-OFAC/NS-MBS` for
    /// entries of OFAC's non-SDN Consolidated list. `None` until the entry is added to a
    /// snapshot, which then gives it the snapshot's [`default_list`](Snapshot::default_list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<List>,
    /// The subject, in canonical form (see [`canonical_entity`]); the same on every list the
    /// id is on.
    pub entity: Entity,
    /// The programs it is listed under, sorted, without repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<Program>,
    /// The measures imposed, sorted, without repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Measure>,
    /// The designation date the list gives, if it gives one (UN `LISTED_ON`, EU
    /// `designationDate`, UK `DateDesignated`, OFAC ENHANCED `datePublished`): the source's
    /// claim, taken as the effective date unless it would back-date the listing to before an
    /// earlier snapshot that did not hold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<NaiveDate>,
    /// When the list gives no designation date but bounds it: the entry was listed on or before
    /// this date (the earliest `regulationSummary` of an EU entry). The designation is then
    /// effective on it, with the observation window `(…, listed_by]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_by: Option<NaiveDate>,
    /// When the listing was published (the listing act's publication in the EU's Official
    /// Journal), if the list says; otherwise the change's `published` date is `listed_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// Dates on which the list says the entry was amended (UN `LAST_DAY_UPDATED`, UK
    /// `LastUpdated`, the acts named by an EU entry), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
            list: None,
            entity,
            programs: Vec::new(),
            measures: Vec::new(),
            listed_on: None,
            listed_by: None,
            published: None,
            amended_on: Vec::new(),
            line,
        }
    }

    /// Puts the entry on `list`.
    #[must_use]
    pub fn on_list(mut self, list: List) -> Self {
        self.list = Some(list);
        self
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
        // By lookup key, compared in place (no key built per identifier); stable, so of
        // identifiers with equal keys the first stays.
        entity.identifiers.sort_by(Identifier::cmp_lookup_keys);
        entity
            .identifiers
            .dedup_by(|a, b| a.cmp_lookup_keys(b) == std::cmp::Ordering::Equal);
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
    values.retain(|v| !crate::entity::is_blank(v));
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
