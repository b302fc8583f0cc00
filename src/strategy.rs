//! [Proptest](https://docs.rs/proptest) strategies for property-testing code that works with the
//! ledger: entities with identifiers, valid change histories, invalid changes paired with the
//! rule they break, and dates in a window. Enabled by the `proptest` feature.
//!
//! - [`history`] generates a [`History`]: a change list that the ledger accepts, spread over the
//!   days of a window and over recorded instants, with back-dated changes, entity amendments,
//!   designations, amendments, delistings, re-listings, licences and retractions. Its size, date
//!   window and authorities are set by a [`HistoryConfig`].
//! - [`reordered`] turns a history into another order of the same changes that respects their
//!   dependencies (see [`History::dependencies`]); the current view answers the same.
//! - [`invalid_change`] generates a history and one change that breaks a consistency [`Rule`];
//!   [`Rule::matches`] tells whether an [`Error`](crate::Error) is the one the rule calls for.
//! - [`date_in`], [`entity_id`], [`identifier`], [`entity`] and [`entity_with_id`] generate the
//!   smaller pieces.
//!
//! Every strategy shrinks towards shorter histories with fewer, simpler changes.
//!
//! # Example: testing your own transition function
//!
//! Say a screening cache keeps, per designation, who is listed by whom, and is updated by
//! folding the changes in effective order. The ledger is the reference it must agree with on
//! every day of the window:
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use proptest::prelude::*;
//! use sanctions_ledger::strategy::{history, HistoryConfig};
//! use sanctions_ledger::{Authority, Change, ChangeKind, DesignationId, EntityId};
//!
//! /// The code under test: the cache's transition function.
//! fn step(cache: &mut BTreeMap<DesignationId, (EntityId, Authority)>, change: &Change) {
//!     match &change.kind {
//!         ChangeKind::Designate { designation, record } => {
//!             cache.insert(*designation, (record.entity, record.authority.clone()));
//!         }
//!         ChangeKind::Delist { designation } => {
//!             cache.remove(designation);
//!         }
//!         _ => {}
//!     }
//! }
//!
//! proptest! {
//!     #![proptest_config(ProptestConfig::with_cases(32))]
//!     fn cache_agrees_with_the_ledger(history in history(HistoryConfig::default())) {
//!         let ledger = history.ledger().expect("generated histories are valid");
//!         let view = ledger.current();
//!         let before = history.window_start.pred_opt().unwrap();
//!         for date in history.days() {
//!             let mut cache = BTreeMap::new();
//!             for change in view.changes_between(before, date) {
//!                 step(&mut cache, change);
//!             }
//!             // The entities the ledger knows (a history may retract a registration).
//!             for entity in view.entities() {
//!                 for authority in &history.authorities {
//!                     let cached = cache.values().any(|(e, a)| *e == entity && a == authority);
//!                     prop_assert_eq!(Ok(cached), view.is_listed(entity, authority, date));
//!                 }
//!             }
//!         }
//!     }
//! }
//!
//! cache_agrees_with_the_ledger();
//! ```
//!
//! # Layout
//!
//! One file per concept: `entities` (entities, identifiers, dates), `history` (the
//! configuration, the [`History`] type with its dependencies, and the generator, which draws
//! one operation per step), `reorder` (reorderings), `invalid` (invalid changes, each paired
//! with the [`Rule`] it breaks; the rules themselves live with the ledger's checks), and
//! `facts`, the generators' own small model of what a change list holds.

mod entities;
mod facts;
mod history;
mod invalid;
mod reorder;

pub use self::entities::{date_in, entity, entity_id, entity_with_id, identifier};
pub use self::history::{history, History, HistoryConfig};
pub use self::invalid::{invalid_change, InvalidChange};
pub use self::reorder::reordered;
/// The rule an [`InvalidChange`] breaks (also at the crate root, [`crate::Rule`]).
pub use crate::rules::Rule;
