//! Invalid changes: a valid history and one more change that breaks a consistency [`Rule`].

use chrono::{Days, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::select;

use super::entities::{entity_from, take};
use super::facts::{Facts, TargetFacts};
use super::history::{amendment, end, history, History, HistoryConfig};
use super::Rule;
use crate::authority::{Authority, Program};
use crate::change::{Change, ChangeKind, ObservationWindow, Source};
use crate::class_measure::{ClassMeasure, ClassMeasureTerms, EntityClass};
use crate::designation::{Designation, DesignationTerms, Measure};
use crate::entity::{Country, Identifier};
use crate::error::Target;
use crate::id::{ChangeId, ClassMeasureId, DesignationId, EntityId, LicenceId, LinkId, RelationId};
use crate::licence::{Licence, LicenceTerms};
use crate::link::{Link, LinkReason};
use crate::list::List;
use crate::relation::{Relation, RelationTerms, Share};

/// A valid history and one more change that breaks `rule` when applied after it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidChange {
    /// The valid history the change is applied after.
    pub history: History,
    /// The change, which breaks `rule` and no rule checked before it.
    pub change: Change,
    /// The rule it breaks.
    pub rule: Rule,
}

/// Generates a valid history and a change that breaks one consistency rule after it, with
/// the rule. Every rule that the history makes possible is drawn alike.
pub fn invalid_change(config: HistoryConfig) -> impl Strategy<Value = InvalidChange> {
    history(config).prop_flat_map(|history| {
        let facts = Facts::replay(&history.changes);
        let rules: Vec<Rule> = Rule::ALL
            .into_iter()
            .filter(|rule| allows(&facts, *rule))
            .collect();
        (Just(history), select(rules), any::<u64>()).prop_map(|(history, rule, bits)| {
            let facts = Facts::replay(&history.changes);
            let change = breaking(&facts, rule, bits, &history);
            InvalidChange {
                history,
                change,
                rule,
            }
        })
    })
}

/// Whether a change after the changes `facts` holds can break `rule`.
fn allows(facts: &Facts, rule: Rule) -> bool {
    let any_change = !facts.changes.is_empty();
    match rule {
        Rule::ConflictingChangeId | Rule::RecordedOutOfOrder => any_change,
        Rule::InvalidWindow
        | Rule::BlankName
        | Rule::BlankListEntryId
        | Rule::ProgramOfOtherAuthority
        | Rule::ListOfOtherAuthority
        | Rule::LicenceCoversNothing
        | Rule::UnknownEntity
        | Rule::UnknownTarget
        | Rule::UnknownChange
        | Rule::SelfLink
        | Rule::ClassWithoutCountry => true,
        Rule::LinkAlreadyInForce => !facts.live_links().is_empty(),
        Rule::AmendedBeforeRegistration | Rule::DuplicateEntity => {
            !facts.live_entities().is_empty()
        }
        Rule::DuplicateTarget => !facts.live_targets().is_empty() || !facts.live_links().is_empty(),
        Rule::NotInForce => !facts.live_targets().is_empty(),
        Rule::EndNotAfterStart => facts.live_targets().iter().any(|t| t.end.is_none()),
        Rule::AlreadyEnded => facts.live_targets().iter().any(|t| t.end.is_some()),
        Rule::InvalidatesLaterChange => !invalidatable(facts).is_empty(),
        Rule::AlreadyRetracted => facts.retracted.iter().any(|&r| r),
        Rule::RetractsRetraction => facts
            .changes
            .iter()
            .any(|c| matches!(c.kind, ChangeKind::Retract { .. })),
        Rule::RetractionOrphans => (0..facts.changes.len())
            .any(|at| facts.live(at) && facts.live_dependents(at).next().is_some()),
        Rule::SelfRelation => !facts.live_entities().is_empty(),
        Rule::ShareWithoutOwnership => facts.live_entities().len() >= 2,
        Rule::OwnershipOverWhole => !stakes_to_overfill(facts).is_empty(),
    }
}

/// Live ownerships with a date on which they count a positive share: (object, subject, date).
/// A new stake of 100% in the object on that date takes the total over the whole.
fn stakes_to_overfill(facts: &Facts) -> Vec<(EntityId, EntityId, chrono::NaiveDate)> {
    let mut found = Vec::new();
    for t in facts.live_relations() {
        let Some(r) = &t.relation else { continue };
        for &(date, _, _) in &r.shares {
            let before_end = t.end.is_none_or(|(_, end)| date < end);
            if before_end && r.share_on(date) > 0 {
                found.push((r.object, r.subject, date));
            }
        }
    }
    found
}

/// Live open targets with a live amendment after their start.
fn invalidatable(facts: &Facts) -> Vec<&TargetFacts> {
    facts
        .live_targets()
        .into_iter()
        .filter(|t| t.end.is_none() && t.amendments.iter().any(|&(_, d)| d > t.start))
        .collect()
}

/// A change breaking `rule` after `history`, whose changes `facts` holds (which must allow
/// the rule).
#[allow(clippy::too_many_lines)]
fn breaking(facts: &Facts, rule: Rule, mut bits: u64, history: &History) -> Change {
    let latest = facts
        .changes
        .last()
        .map_or_else(|| Utc.timestamp_opt(0, 0).unwrap(), |c| c.recorded);
    let on = history.window_start + Days::new(take(&mut bits, 30) as u64);
    let id = ChangeId::derive(&format!("invalid:{rule:?}:{bits}"));
    let new = |kind| Change::new(id, on, latest, Source::new("invalid"), kind);
    let authority = history.authorities[take(&mut bits, history.authorities.len())].clone();
    let fresh_entity = EntityId::derive(&format!("invalid-entity:{bits}"));
    let pick = |bits: &mut u64, len: usize| take(bits, len);
    match rule {
        Rule::ConflictingChangeId => {
            let mut change = facts.changes[pick(&mut bits, facts.changes.len())].clone();
            change.source.citation.push_str(" (edited)");
            change
        }
        Rule::RecordedOutOfOrder => {
            let mut change = new(ChangeKind::RegisterEntity {
                entity: fresh_entity,
                record: Box::new(entity_from(bits)),
            });
            change.recorded = latest - TimeDelta::seconds(1);
            change
        }
        Rule::InvalidWindow => {
            let register = new(ChangeKind::RegisterEntity {
                entity: fresh_entity,
                record: Box::new(entity_from(bits)),
            });
            let window = if bits.is_multiple_of(2) {
                ObservationWindow::new(None, on + Days::new(1))
            } else {
                ObservationWindow::new(Some(on), on)
            };
            register.with_window(window)
        }
        Rule::BlankName => {
            let mut record = entity_from(bits);
            record.name = " \t ".into();
            new(ChangeKind::RegisterEntity {
                entity: fresh_entity,
                record: Box::new(record),
            })
        }
        Rule::BlankListEntryId => {
            let mut record = entity_from(bits);
            record
                .identifiers
                .push(Identifier::list_entry(Authority::US_OFAC, " "));
            new(ChangeKind::RegisterEntity {
                entity: fresh_entity,
                record: Box::new(record),
            })
        }
        Rule::ProgramOfOtherAuthority => {
            let other = Authority::WELL_KNOWN
                .into_iter()
                .find(|a| *a != authority)
                .unwrap_or(Authority::UN);
            let program = Program::new(other, "FOREIGN").unwrap_or_else(|_| unreachable!());
            let entity = facts
                .live_entities()
                .first()
                .copied()
                .unwrap_or(fresh_entity);
            new(ChangeKind::Designate {
                designation: DesignationId::derive(&format!("invalid:{bits}")),
                record: Box::new(Designation::new(
                    entity,
                    authority,
                    DesignationTerms::new(Measure::AssetFreeze).with_program(program),
                )),
            })
        }
        Rule::ListOfOtherAuthority => {
            let lists: Vec<List> = List::WELL_KNOWN
                .into_iter()
                .filter(|l| *l.authority() != authority)
                .collect();
            let list = lists[pick(&mut bits, lists.len())].clone();
            let entity = facts
                .live_entities()
                .first()
                .copied()
                .unwrap_or(fresh_entity);
            new(ChangeKind::Designate {
                designation: DesignationId::derive(&format!("invalid:{bits}")),
                record: Box::new(
                    Designation::new(
                        entity,
                        authority,
                        DesignationTerms::new(Measure::AssetFreeze),
                    )
                    .on_list(list),
                ),
            })
        }
        Rule::LicenceCoversNothing => {
            let mut terms = LicenceTerms::general("GL 0", fresh_entity);
            terms.covers.clear();
            new(ChangeKind::IssueLicence {
                licence: LicenceId::derive(&format!("invalid:{bits}")),
                record: Box::new(Licence::new(authority, terms)),
            })
        }
        Rule::UnknownEntity => new(ChangeKind::Designate {
            designation: DesignationId::derive(&format!("invalid:{bits}")),
            record: Box::new(Designation::new(
                fresh_entity,
                authority,
                DesignationTerms::new(Measure::AssetFreeze),
            )),
        }),
        Rule::UnknownTarget => new(ChangeKind::Delist {
            designation: DesignationId::derive(&format!("invalid:{bits}")),
        }),
        Rule::UnknownChange => new(ChangeKind::Retract {
            change: ChangeId::derive(&format!("invalid:missing:{bits}")),
            reason: "no such change".into(),
        }),
        Rule::AmendedBeforeRegistration => {
            let live: Vec<&(EntityId, usize, bool)> =
                facts.entities.iter().filter(|e| e.2).collect();
            let &(entity, at, _) = live[pick(&mut bits, live.len())];
            let registered = facts.changes[at].effective;
            let mut change = new(ChangeKind::AmendEntity {
                entity,
                record: Box::new(entity_from(bits)),
            });
            change.effective = registered - Days::new(1 + take(&mut bits, 30) as u64);
            change
        }
        Rule::DuplicateEntity => {
            let live = facts.live_entities();
            new(ChangeKind::RegisterEntity {
                entity: live[pick(&mut bits, live.len())],
                record: Box::new(entity_from(bits)),
            })
        }
        Rule::DuplicateTarget => {
            let targets = facts.live_targets();
            let links = facts.live_links();
            let i = pick(&mut bits, targets.len() + links.len());
            let Some(t) = targets.get(i) else {
                // A link id made again for another pair of entities.
                let l = links[i - targets.len()];
                return new(ChangeKind::Link {
                    link: l.link,
                    record: Box::new(Link::new(
                        l.pair.0,
                        fresh_entity,
                        LinkReason::analyst("duplicate"),
                    )),
                });
            };
            match t.target {
                Target::Designation(designation) => {
                    let mut record = Designation::new(
                        t.entity.unwrap_or(fresh_entity),
                        t.authority.clone(),
                        DesignationTerms::new(Measure::TravelBan),
                    );
                    record.list.clone_from(&t.list);
                    new(ChangeKind::Designate {
                        designation,
                        record: Box::new(record),
                    })
                }
                // `live_targets` holds designations and licences only; links are above.
                Target::Link(link) => new(ChangeKind::Link {
                    link,
                    record: Box::new(Link::new(
                        fresh_entity,
                        EntityId::derive("invalid-other"),
                        LinkReason::analyst("duplicate"),
                    )),
                }),
                Target::Licence(licence) => {
                    let covers = facts.live_entities()[0];
                    new(ChangeKind::IssueLicence {
                        licence,
                        record: Box::new(Licence::new(
                            t.authority.clone(),
                            LicenceTerms::general("duplicate", covers),
                        )),
                    })
                }
                // The same parties and kind, without terms: only the id repeats.
                Target::Relation(relation) => {
                    let r = t.relation.as_ref().unwrap_or_else(|| unreachable!());
                    new(ChangeKind::Relate {
                        relation,
                        record: Box::new(Relation::new(r.kind.clone(), r.subject, r.object)),
                    })
                }
                Target::ClassMeasure(measure) => {
                    let ChangeKind::ImposeClassMeasure { record, .. } =
                        &facts.changes[t.created].kind
                    else {
                        unreachable!()
                    };
                    let mut record = record.clone();
                    record.terms.name.push_str(" (again)");
                    new(ChangeKind::ImposeClassMeasure { measure, record })
                }
            }
        }
        Rule::NotInForce => {
            let targets = facts.live_targets();
            let t = targets[pick(&mut bits, targets.len())];
            let before = t.start - Days::new(1 + take(&mut bits, 10) as u64);
            let mut change = amendment(t, &facts.live_entities(), bits, id, latest);
            change.effective = before;
            change
        }
        Rule::EndNotAfterStart => {
            let open: Vec<&TargetFacts> = facts
                .live_targets()
                .into_iter()
                .filter(|t| t.end.is_none())
                .collect();
            let t = open[pick(&mut bits, open.len())];
            let on = t.start - Days::new(take(&mut bits, 3) as u64);
            end(t, id, on, latest)
        }
        Rule::AlreadyEnded => {
            let ended: Vec<&TargetFacts> = facts
                .live_targets()
                .into_iter()
                .filter(|t| t.end.is_some())
                .collect();
            let t = ended[pick(&mut bits, ended.len())];
            let on = t.start + Days::new(1 + take(&mut bits, 60) as u64);
            end(t, id, on, latest)
        }
        Rule::InvalidatesLaterChange => {
            let targets = invalidatable(facts);
            let t = targets[pick(&mut bits, targets.len())];
            let last = t
                .amendments
                .iter()
                .map(|&(_, d)| d)
                .max()
                .unwrap_or(t.start);
            let span = u64::try_from((last - t.start).num_days()).unwrap_or(1);
            let on = t.start + Days::new(1 + bits % span);
            end(t, id, on, latest)
        }
        Rule::AlreadyRetracted => {
            let retracted: Vec<usize> = (0..facts.changes.len())
                .filter(|&at| facts.retracted[at])
                .collect();
            let target = facts.changes[retracted[pick(&mut bits, retracted.len())]].id;
            new(ChangeKind::Retract {
                change: target,
                reason: "again".into(),
            })
        }
        Rule::RetractsRetraction => {
            let retractions: Vec<&Change> = facts
                .changes
                .iter()
                .filter(|c| matches!(c.kind, ChangeKind::Retract { .. }))
                .collect();
            let target = retractions[pick(&mut bits, retractions.len())].id;
            new(ChangeKind::Retract {
                change: target,
                reason: "undo".into(),
            })
        }
        Rule::SelfLink => {
            let entity = facts
                .live_entities()
                .first()
                .copied()
                .unwrap_or(fresh_entity);
            new(ChangeKind::Link {
                link: LinkId::derive(&format!("invalid:{bits}")),
                record: Box::new(Link::new(entity, entity, LinkReason::analyst("itself"))),
            })
        }
        Rule::LinkAlreadyInForce => {
            let links = facts.live_links();
            let l = links[pick(&mut bits, links.len())];
            // A second link of the same two entities, from a day the first is in force.
            let span = l
                .end
                .map_or(30, |(_, end)| (end - l.start).num_days().max(1));
            let offset = u64::try_from(span).unwrap_or(1);
            let mut change = new(ChangeKind::Link {
                link: LinkId::derive(&format!("invalid:{bits}")),
                record: Box::new(Link::new(l.pair.1, l.pair.0, LinkReason::analyst("again"))),
            });
            change.effective = l.start + Days::new(bits % offset);
            change
        }
        Rule::SelfRelation => {
            let live = facts.live_entities();
            let entity = live[pick(&mut bits, live.len())];
            new(ChangeKind::Relate {
                relation: RelationId::derive(&format!("invalid:{bits}")),
                record: Box::new(Relation::control(entity, entity)),
            })
        }
        Rule::ShareWithoutOwnership => {
            let live = facts.live_entities();
            let subject = pick(&mut bits, live.len());
            let object = (subject + 1 + pick(&mut bits, live.len() - 1)) % live.len();
            let share = Share::percent(10).unwrap_or_else(|_| unreachable!());
            new(ChangeKind::Relate {
                relation: RelationId::derive(&format!("invalid:{bits}")),
                record: Box::new(
                    Relation::control(live[subject], live[object])
                        .with_terms(RelationTerms::with_share(share)),
                ),
            })
        }
        Rule::OwnershipOverWhole => {
            let stakes = stakes_to_overfill(facts);
            let (object, subject, date) = stakes[pick(&mut bits, stakes.len())];
            let mut change = new(ChangeKind::Relate {
                relation: RelationId::derive(&format!("invalid:{bits}")),
                record: Box::new(Relation::ownership(
                    subject,
                    object,
                    Share::percent(100).unwrap_or_else(|_| unreachable!()),
                )),
            });
            change.effective = date;
            change
        }
        Rule::ClassWithoutCountry => {
            let mut class = EntityClass::new(Country::new("BY").unwrap_or_else(|_| unreachable!()));
            class.countries.clear();
            new(ChangeKind::ImposeClassMeasure {
                measure: ClassMeasureId::derive(&format!("invalid:{bits}")),
                record: Box::new(ClassMeasure::new(
                    authority,
                    class,
                    ClassMeasureTerms::new("no country", Measure::FlightBan),
                )),
            })
        }
        Rule::RetractionOrphans => {
            let needed: Vec<usize> = (0..facts.changes.len())
                .filter(|&at| facts.live(at) && facts.live_dependents(at).next().is_some())
                .collect();
            let target = facts.changes[needed[pick(&mut bits, needed.len())]].id;
            new(ChangeKind::Retract {
                change: target,
                reason: "orphans".into(),
            })
        }
    }
}
