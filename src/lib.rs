//! A typed, append-only, bitemporal ledger of sanctions: who is listed by whom, under which
//! licences, on any date, as known at any moment.
//!
//! Official sanctions lists show only today. This crate keeps the history: every designation,
//! amendment, licence and delisting is a dated [`Change`] in a [`Ledger`], which refuses
//! inconsistent histories with a typed [`Error`] and answers point-in-time questions through a
//! [`View`].
//!
//! # Example: Belavia
//!
//! In September 2025 a US envoy announced in Minsk that sanctions on Belavia, the Belarusian
//! airline, were "lifted". Legally, OFAC issued a *licence* that day; the airline stayed on the
//! SDN list until 2025-11-04. The EU listing was untouched.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use sanctions_ledger::*;
//!
//! let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! let recorded = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
//! let belavia = EntityId::derive("belavia");
//! let us_listing = DesignationId::derive("us-ofac:44541");
//! let change = |name: &str, effective, kind| {
//!     Change::new(ChangeId::derive(name), effective, recorded, Source::new(name), kind)
//! };
//!
//! let mut ledger = Ledger::new();
//! ledger.apply_batch([
//!     change("register", on(2021, 12, 2), ChangeKind::RegisterEntity {
//!         entity: belavia,
//!         record: Box::new(Entity::new(EntityKind::Organisation, "Belavia Belarusian Airlines")),
//!     }),
//!     change("EU listing", on(2021, 12, 2), ChangeKind::Designate {
//!         designation: DesignationId::derive("eu:belavia"),
//!         record: Box::new(Designation::new(belavia, Authority::EU, DesignationTerms::new(Measure::AssetFreeze))),
//!     }),
//!     change("SDN 44541", on(2023, 8, 9), ChangeKind::Designate {
//!         designation: us_listing,
//!         record: Box::new(Designation::new(belavia, Authority::US_OFAC, DesignationTerms::new(Measure::AssetFreeze))),
//!     }),
//!     change("Belarus GL 11", on(2025, 9, 11), ChangeKind::IssueLicence {
//!         licence: LicenceId::derive("us-ofac:belarus-gl-11"),
//!         record: Box::new(Licence::new(Authority::US_OFAC, LicenceTerms::general("Belarus General License 11", belavia))),
//!     }),
//!     change("SDN removal", on(2025, 11, 4), ChangeKind::Delist { designation: us_listing }),
//! ])?;
//!
//! let now = ledger.current();
//! let us = |date| now.status(belavia, &Authority::US_OFAC, date).map(|s| s.kind());
//! assert_eq!(us(on(2025, 9, 10))?, StatusKind::Listed);
//! assert_eq!(us(on(2025, 10, 1))?, StatusKind::ListedLicensed); // "lifted", but still listed
//! assert_eq!(us(on(2025, 11, 4))?, StatusKind::NotListed);
//! assert!(now.is_listed(belavia, &Authority::EU, on(2025, 11, 4))?);
//!
//! // An id the ledger has never seen has no status: a typo is not a clean screening result.
//! let typo = EntityId::derive("belavai");
//! assert!(matches!(us(on(2025, 11, 4)), Ok(StatusKind::NotListed)));
//! assert!(matches!(
//!     now.status(typo, &Authority::US_OFAC, on(2025, 11, 4)),
//!     Err(Error::EntityNotKnown { .. })
//! ));
//! # Ok::<(), sanctions_ledger::Error>(())
//! ```
//!
//! # The model
//!
//! - [`Entity`]: a person, organisation, vessel, aircraft or other subject, with names, aliases,
//!   typed [`Identifier`]s and [`Country`] codes. Its facts may change over time.
//! - [`Authority`]: who imposes the measure; an open set with constants for the common ones.
//!   [`Program`]: the authority's programme, e.g. `BELARUS-EO14038`. [`List`]: one of the
//!   lists an authority publishes, e.g. OFAC's SDN or SSI list.
//! - [`Designation`]: one entity listed by one authority, on at most one of its lists, with
//!   [`DesignationTerms`] (programs, [`Measure`]s, legal basis, reason) that may be amended.
//! - [`Licence`]: an authorisation that relieves listed entities without delisting them.
//! - [`Change`]: one dated event, of a [`ChangeKind`]: register or amend an entity, designate,
//!   amend, delist, issue / amend / end a licence, link / unlink two entities, begin / amend /
//!   end a [`Relation`], impose / amend / lift a [`ClassMeasure`], or retract an earlier change.
//! - [`Link`]: two entities that are one subject (the same airline on the EU's and OFAC's
//!   lists), dated and retractable; the links in force on a date join entities into a
//!   [`Cluster`].
//!
//! # Time: three dates, two axes
//!
//! A change has an `effective` date (when it takes legal effect: state queries are on this
//! axis), an optional `published` date (metadata), and a `recorded` UTC instant (when the ledger
//! learned of it: [`Ledger::known_at`] queries are on this axis). Every period in this crate is
//! an [`Interval`], half-open `[from, until)`: a designation effective 2023-08-09 is listed on
//! 2023-08-09; a delisting effective 2025-11-04 means not listed on 2025-11-04. Nothing in this crate reads
//! the wall clock: "now" is always an argument.
//!
//! # Queries
//!
//! On a [`View`] ([`Ledger::current`] or [`Ledger::known_at`]): [`View::status`] and
//! [`View::is_listed`] (per authority or per list: a [`Scope`]), [`View::state_on`], [`View::timeline`], [`View::changes_between`],
//! [`View::diff`], [`View::find_by_identifier`], [`View::find_by_name`] and
//! [`View::find_by_tokens`]. Each documents its complexity and runs an example on the Belavia
//! seed. [`View::clusters`] asks the same questions of a whole subject, the cluster of linked
//! entities, and says which member (list entry) each listing belongs to. An entity id the view has never seen has
//! no status: the queries about an entity's listing refuse it with
//! [`Error::EntityNotKnown`] rather than answer "not listed".
//!
//! # Digests and the change feed
//!
//! Every view has a [`Digest`] ([`View::digest`]): a SHA-256 digest of what it sees, chained
//! per change, so that an answer can be stored with "digest D, as known at T" and checked
//! later. [`Ledger::changes_since`] a [`Cursor`] gives the changes recorded since, in order,
//! and the cursor to resume from; [`Ledger::known_on`] is the ledger as known at the end of a
//! day.
//!
//! # Importing official lists
//!
//! The [`import`] module reads official list files into snapshots and reconciles them with a
//! ledger into dated designations (each on its [`List`]), amendments, delistings and moves
//! between lists: OFAC's legacy CSV (SDN and Consolidated) and ENHANCED XML, the UN
//! consolidated XML, the EU Financial Sanctions Files XML and the UK Sanctions List (XML or
//! CSV). [`import::propose_links`] proposes links between entries of different lists that
//! share a strong identifier.
//!
//! # Follow the Money
//!
//! The [`ftm`] module exports the state on a date, or the whole history, as Follow the Money
//! entities (the data model of opensanctions.org and its tools); [`import::ftm`] reads them
//! back.
//!
//! # Serialisation
//!
//! Every public type implements serde's traits. A [`Ledger`] serialises as
//! `{"format": "sanctions-ledger", "version": 1, "changes": [...]}` and deserialising re-applies
//! every change, so hand-edited data cannot produce an inconsistent ledger;
//! [`Ledger::from_json_str`] and [`Ledger::from_json_reader`] read that form and keep a refused
//! change's typed [`Error`] and position, which serde's text errors cannot.
//!
//! A [`LedgerFile`] keeps a ledger on disk as a crash-safe, append-only JSON Lines log (see
//! `FORMAT.md`), syncing every change before `apply` returns and re-validating all on open.
//!
//! # Property testing
//!
//! With the `proptest` feature, the `strategy` module generates entities, valid change
//! histories and invalid changes, for testing your own code against the ledger.
//!
//! # Design
//!
//! The [`design`] page (`DESIGN.md`) is the contract for the crate's meaning: the seed case,
//! the three dates, every consistency rule, what each query answers, and what is not built yet.

mod authority;
mod change;
mod class_measure;
mod cluster;
#[doc = include_str!("../DESIGN.md")]
pub mod design {}
mod derived;
mod designation;
mod digest;
mod entity;
mod error;
mod feed;
mod file;
pub mod ftm;
mod id;
pub mod import;
mod index;
mod interval;
mod ledger;
mod licence;
mod link;
mod list;
mod log;
mod names;
mod ownership;
mod relation;
mod rules;
mod state;
mod status;
#[cfg(feature = "proptest")]
pub mod strategy;
mod timeline;
mod view;

pub use crate::authority::{Authority, Program};
pub use crate::change::{Change, ChangeKind, Confidence, ObservationWindow, Source};
pub use crate::class_measure::{ClassMeasure, ClassMeasureTerms, EntityClass, Sector};
pub use crate::cluster::{
    Cluster, ClusterDiff, ClusterMatch, ClusterState, ClusterStatus, ClusterStatusChange,
    ClusterStatuses, ClusterTimeline, LinkPeriod, SubjectInForce,
};
pub use crate::derived::{
    Chain, ChainLink, ClassMeasureInForce, DerivedAuthorityTimeline, DerivedChange, DerivedDiff,
    DerivedEntry, DerivedKind, DerivedPeriod, DerivedState, DerivedStatus, DerivedTimeline, Reason,
    RelationInForce, Relief, Stake,
};
pub use crate::designation::{Designation, DesignationTerms, Measure};
pub use crate::digest::Digest;
pub use crate::entity::{
    normalise_name, Country, Document, DocumentKind, Entity, EntityKind, Identifier,
    ImoCompanyNumber, ImoNumber,
};
pub use crate::error::{Error, Result, Target};
pub use crate::feed::{Cursor, Feed};
pub use crate::file::{
    FileOptions, LedgerFile, Truncation, FILE_FORMAT_NAME, FILE_FORMAT_VERSION, MAX_LINE_BYTES,
};
pub use crate::id::{
    ChangeId, ClassMeasureId, DesignationId, EntityId, LicenceId, LinkId, RelationId,
};
pub use crate::interval::Interval;
pub use crate::ledger::{Applied, Ledger, FORMAT_NAME, FORMAT_VERSION};
pub use crate::licence::{Authorisation, Licence, LicenceEnd, LicenceKind, LicenceTerms};
pub use crate::link::{Link, LinkReason};
pub use crate::list::{List, Scope};
pub use crate::names::name_tokens;
pub use crate::ownership::{Aggregation, OwnershipRule, Threshold};
pub use crate::relation::{Relation, RelationKind, RelationTerms, Share};
pub use crate::rules::Rule;
pub use crate::state::{
    AsCreated, DesignationInForce, LicenceInForce, State, StateDiff, StatusChange,
};
pub use crate::status::{Status, StatusKind};
pub use crate::timeline::{AuthorityTimeline, Period, Timeline};
pub use crate::view::{Clusters, View};

/// Re-exported so that users name the same date and instant types as the API.
pub use chrono;

/// The README's examples, compiled and run as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
