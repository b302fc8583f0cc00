//! A synthetic sanctions history, deterministic from a seed, shared by every bench.
//!
//! [`generate`] makes a change log that [`Ledger::from_changes`] accepts: entities of every
//! kind, eight authorities, designations, amendments, delistings, re-listings (a new designation
//! id), licences (issued, some amended, some ended) and retractions, spread over 30 years
//! (1996-01-01 to 2026-01-01) in rough real-world proportions:
//!
//! - about 1.3 designations per entity (some entities are listed by several authorities);
//! - about 30% of designations delisted, 15% of those re-listed later by the same authority;
//! - about 10% of designations amended once or more;
//! - licences covering about 2% of designations (one licence per 100 designations, one to three
//!   entities each), half of them ended, 30% amended to cover one more entity;
//! - one retraction per 200 designations, of a designation amendment or a delisting;
//! - one ownership or control relation per five designations ([`plan_ownership`]): chains of
//!   one to six levels of new, unlisted subsidiaries under a listed entity, some of them also
//!   held in part by a second listed owner (two partial stakes that reach 50% only added up),
//!   some controlled rather than owned, a few with a small stake back in their listed root (a
//!   cycle), 20% of relations ended and 10% with their share amended.
//!
//! Designations grow denser towards the present, as real lists do. On the recorded axis the
//! ledger "went live" on 2012-01-01: history before that is back-filled in one batch per
//! effective year, recorded on the go-live day; later changes are recorded zero to a few days
//! after they take effect, and 3% are learned late (30 to 400 days, so they are back-dated).
//! Along each designation's and licence's life the recorded instants never go backwards, so
//! every prefix of the log (every `known_at` view) is consistent on its own.
//!
//! [`sample_queries`] picks a deterministic sample of questions to ask of it.
//!
//! [`Ledger::from_changes`]: sanctions_ledger::Ledger::from_changes

// Each bench file includes this module and uses a different part of it.
#![allow(dead_code)]
// The generator maps random u64s onto small ranges of days, seconds and indexes; every value
// fits its target type, so the casts cannot truncate or lose sign in practice.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss
)]

pub(crate) mod clusters;

use std::collections::HashSet;

use sanctions_ledger::chrono::{DateTime, NaiveDate, Utc};
use sanctions_ledger::{
    Authority, Change, ChangeId, ChangeKind, Country, Designation, DesignationId, DesignationTerms,
    Entity, EntityId, EntityKind, Identifier, ImoNumber, Licence, LicenceEnd, LicenceId,
    LicenceTerms, Measure, OwnershipRule, Program, Relation, RelationId, RelationTerms, Share,
    Source,
};

/// The sizes the issue asks for, by name.
pub(crate) const SIZES: [(&str, usize); 3] =
    [("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000)];

/// The seed every bench uses unless told otherwise.
pub(crate) const DEFAULT_SEED: u64 = 0x5a4c_7e11_2026_0001;

/// A small, fast, deterministic PRNG (splitmix64). Not for cryptography; good enough to spread
/// a workload.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    #[must_use]
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..hi` (`lo < hi`).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index into `weights`, chosen in proportion to them.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut pick = self.below(u64::from(total)) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if pick < w {
                return i;
            }
            pick -= w;
        }
        weights.len() - 1
    }
}

/// The authorities of the workload, with how often each designates.
pub(crate) const AUTHORITIES: [Authority; 8] = [
    Authority::US_OFAC,
    Authority::EU,
    Authority::UK,
    Authority::UN,
    Authority::CA,
    Authority::CH,
    Authority::AU,
    Authority::JP,
];
const AUTHORITY_WEIGHTS: [u32; 8] = [30, 20, 15, 8, 10, 10, 4, 3];
const PROGRAMS: [&str; 6] = ["RUSSIA", "IRAN", "DPRK", "BELARUS", "SDGT", "CYBER"];
const COUNTRIES: [&str; 8] = ["RU", "IR", "KP", "BY", "SY", "VE", "CN", "AE"];
const GIVEN: [&str; 8] = [
    "Ivan", "Olga", "Ali", "Mina", "Sergei", "Hassan", "Anna", "Dmitri",
];
const FAMILY: [&str; 8] = [
    "Petrov", "Karimi", "Kim", "Ivanova", "Rahimi", "Sokolov", "Lee", "Novak",
];
const WORDS: [&str; 8] = [
    "Northern", "Eastern", "Star", "Union", "Trans", "Global", "Petro", "Aero",
];

/// First day of the workload's history.
pub(crate) fn history_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(1996, 1, 1).expect("a valid date")
}

/// First day after the workload's history: nothing takes effect on or after it.
pub(crate) fn history_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date")
}

/// The day the ledger "went live": earlier history is back-filled on this day.
fn go_live() -> NaiveDate {
    NaiveDate::from_ymd_opt(2012, 1, 1).expect("a valid date")
}

/// Days are counted from [`history_start`].
fn date(day: i64) -> NaiveDate {
    history_start() + sanctions_ledger::chrono::Days::new(day as u64)
}

fn day_of(date: NaiveDate) -> i64 {
    (date - history_start()).num_days()
}

/// Unix seconds at the start of `day`.
fn day_secs(day: i64) -> i64 {
    date(day)
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
}

/// The instant of unix seconds `secs`.
pub(crate) fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("workload instants are in range")
}

/// One designation, as the generator planned it (for choosing queries).
#[derive(Debug, Clone)]
pub(crate) struct PlannedDesignation {
    /// Its id.
    pub(crate) id: DesignationId,
    /// The listed entity.
    pub(crate) entity: EntityId,
    /// The listing authority.
    pub(crate) authority: Authority,
    /// Effective date of the designation.
    pub(crate) from: NaiveDate,
    /// Effective date of its delisting, if delisted (and the delisting is not retracted).
    pub(crate) until: Option<NaiveDate>,
}

/// One licence's coverage of one entity (for choosing queries).
#[derive(Debug, Clone)]
pub(crate) struct PlannedCover {
    /// The covered entity.
    pub(crate) entity: EntityId,
    /// The licence's authority.
    pub(crate) authority: Authority,
    /// From when the licence covers the entity.
    pub(crate) from: NaiveDate,
    /// When the licence ends, if it does.
    pub(crate) until: Option<NaiveDate>,
}

/// A delisting that was later retracted: views between the two recorded instants see it.
#[derive(Debug, Clone)]
pub(crate) struct PlannedRetraction {
    /// The delisted entity.
    pub(crate) entity: EntityId,
    /// The authority.
    pub(crate) authority: Authority,
    /// The delisting's effective date.
    pub(crate) delisted: NaiveDate,
    /// When the delisting was recorded.
    pub(crate) recorded: DateTime<Utc>,
    /// When its retraction was recorded.
    pub(crate) retracted: DateTime<Utc>,
}

/// One ownership or control relation, as the generator planned it (for choosing questions and
/// for the SQL peer's table).
#[derive(Debug, Clone)]
pub(crate) struct PlannedRelation {
    /// Its id.
    pub(crate) id: RelationId,
    /// The owner or controller.
    pub(crate) owner: EntityId,
    /// The owned or controlled.
    pub(crate) owned: EntityId,
    /// `None` for a control; for an ownership, its versions: (from, share in hundredths).
    pub(crate) shares: Option<Vec<(NaiveDate, u16)>>,
    /// When it begins.
    pub(crate) from: NaiveDate,
    /// When it ends, if it does.
    pub(crate) until: Option<NaiveDate>,
    /// The authority of the listed entity at the top of its chain.
    pub(crate) authority: Authority,
    /// The period of that entity's designation, `[from, until)`, as planned (for questions
    /// asked while the owner is listed).
    pub(crate) listed: (NaiveDate, Option<NaiveDate>),
}

/// A generated workload: the change log and what the generator knows about it.
#[derive(Debug, Clone)]
pub(crate) struct Workload {
    /// The change log, in recorded order.
    pub(crate) changes: Vec<Change>,
    /// Every designation, re-listings included.
    pub(crate) designations: Vec<PlannedDesignation>,
    /// Every entity.
    pub(crate) entities: Vec<EntityId>,
    /// Every licence coverage of an entity.
    pub(crate) covers: Vec<PlannedCover>,
    /// Retracted delistings.
    pub(crate) retracted_delistings: Vec<PlannedRetraction>,
    /// Number of licences issued.
    pub(crate) licences: usize,
    /// Number of retractions.
    pub(crate) retractions: usize,
    /// Every ownership and control relation.
    pub(crate) relations: Vec<PlannedRelation>,
}

impl Workload {
    /// The first and last recorded instants.
    #[must_use]
    pub(crate) fn recorded_span(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let first = self.changes.first().map(|c| c.recorded);
        let last = self.changes.last().map(|c| c.recorded);
        let epoch = instant(0);
        (first.unwrap_or(epoch), last.unwrap_or(epoch))
    }

    /// A one-line description: counts of each kind of change.
    #[must_use]
    pub(crate) fn summary(&self) -> String {
        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        for change in &self.changes {
            *counts.entry(change.kind.name()).or_default() += 1;
        }
        let kinds: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        format!(
            "{} changes ({}); {} entities, {} designations, {} licences",
            self.changes.len(),
            kinds.join(", "),
            self.entities.len(),
            self.designations.len(),
            self.licences,
        )
    }
}

/// A change before sorting: its recorded instant (unix seconds), an order among changes
/// recorded at the same instant, and the change.
struct Pending {
    recorded: i64,
    rank: u8,
    seq: u64,
    change: Change,
}

/// What the licence and retraction passes need to know about a designation.
struct DesignationLife {
    entity: usize,
    authority: usize,
    from: i64,
    until: Option<i64>,
    relisted: bool,
    /// Amendments: (change id, recorded).
    amendments: Vec<(ChangeId, i64)>,
    /// The delisting: (change id, recorded).
    delisting: Option<(ChangeId, i64)>,
}

struct Generator {
    rng: SplitMix64,
    seed: u64,
    next_change: u64,
    pending: Vec<Pending>,
    end_day: i64,
    go_live_day: i64,
}

impl Generator {
    fn change_id(&mut self) -> ChangeId {
        self.next_change += 1;
        ChangeId::derive(&format!("w{:x}:{}", self.seed, self.next_change))
    }

    /// When the ledger would naturally have learned of a change effective on `day`.
    fn natural_recorded(&mut self, day: i64) -> i64 {
        if day < self.go_live_day {
            // Back-filled on go-live day, one batch per effective year.
            let year = day / 365;
            return day_secs(self.go_live_day) + year * 3600;
        }
        let lag = match self.rng.below(100) {
            0..=39 => 0,
            40..=79 => 1,
            80..=96 => self.rng.range(2, 8),
            _ => self.rng.range(30, 401),
        };
        day_secs(day + lag) + self.rng.range(0, 86_400)
    }

    /// A date skewed towards the present: density grows linearly over the history.
    fn skewed_day(&mut self) -> i64 {
        let u = self.rng.unit().sqrt();
        ((u * self.end_day as f64) as i64).min(self.end_day - 1)
    }

    fn push(&mut self, recorded: i64, rank: u8, change: Change) {
        let seq = self.pending.len() as u64;
        self.pending.push(Pending {
            recorded,
            rank,
            seq,
            change,
        });
    }

    fn change(&mut self, day: i64, recorded: i64, citation: String, kind: ChangeKind) -> Change {
        let id = self.change_id();
        Change::new(
            id,
            date(day),
            instant(recorded),
            Source::new(citation),
            kind,
        )
    }

    fn entity_record(&mut self, index: usize, kind: EntityKind, authority: &Authority) -> Entity {
        let r = &mut self.rng;
        let name = match kind {
            EntityKind::Person => format!(
                "{} {} {index}",
                GIVEN[r.below(8) as usize],
                FAMILY[r.below(8) as usize]
            ),
            EntityKind::Vessel => format!("MV {} {index}", WORDS[r.below(8) as usize]),
            EntityKind::Aircraft => format!("Aircraft {index}"),
            _ => format!(
                "{} {} Trading LLC {index}",
                WORDS[r.below(8) as usize],
                WORDS[r.below(8) as usize]
            ),
        };
        let country = Country::new(COUNTRIES[r.below(8) as usize]).expect("a valid country code");
        let mut entity = Entity::new(kind, name)
            .with_identifier(Identifier::list_entry(authority.clone(), index.to_string()))
            .with_country(country);
        if r.chance(0.3) {
            entity = entity.with_alias(format!("{} Alias {index}", WORDS[r.below(8) as usize]));
        }
        match kind {
            EntityKind::Vessel => {
                entity = entity.with_identifier(Identifier::Imo(imo_number(index)));
            }
            EntityKind::Aircraft => {
                entity =
                    entity.with_identifier(Identifier::AircraftRegistration(format!("EW-{index}")));
            }
            _ => {}
        }
        entity
    }

    fn terms(&mut self, authority: &Authority, kind: EntityKind, day: i64) -> DesignationTerms {
        let program = PROGRAMS[self.rng.below(PROGRAMS.len() as u64) as usize];
        let program = Program::new(authority.clone(), program).expect("a valid program code");
        let mut terms = DesignationTerms::new(Measure::AssetFreeze)
            .with_program(program)
            .with_legal_basis(format!("{authority} instrument {}", date(day)));
        match kind {
            EntityKind::Person => terms = terms.with_measure(Measure::TravelBan),
            EntityKind::Aircraft => terms = terms.with_measure(Measure::FlightBan),
            _ => {}
        }
        terms
    }
}

/// A valid IMO number (seven digits, the last a check digit) derived from `index`.
fn imo_number(index: usize) -> ImoNumber {
    let body = 100_000 + (index % 900_000) as u32;
    let digits: Vec<u32> = body
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let check: u32 = digits
        .iter()
        .zip((2..=7).rev())
        .map(|(d, w)| d * w)
        .sum::<u32>()
        % 10;
    ImoNumber::new(&format!("{body}{check}")).expect("a valid IMO number")
}

/// Generates a workload of `designations` designations (re-listings included) from `seed`.
///
/// # Panics
///
/// Never for `designations >= 1`: every generated value is valid by construction.
#[must_use]
pub(crate) fn generate(designations: usize, seed: u64) -> Workload {
    let end_day = day_of(history_end());
    let mut g = Generator {
        rng: SplitMix64::new(seed),
        seed,
        next_change: 0,
        pending: Vec::with_capacity(designations * 5 / 2),
        end_day,
        go_live_day: day_of(go_live()),
    };
    let mut lives: Vec<DesignationLife> = Vec::with_capacity(designations + 16);
    let mut planned: Vec<PlannedDesignation> = Vec::with_capacity(designations + 16);
    let mut entities: Vec<EntityId> = Vec::new();
    // Per entity: (registration recorded, kind).
    let mut registered: Vec<i64> = Vec::new();

    while lives.len() < designations {
        let index = entities.len();
        let entity = EntityId::derive(&format!("w{seed:x}:entity:{index}"));
        let kind = [
            EntityKind::Person,
            EntityKind::Organisation,
            EntityKind::Vessel,
            EntityKind::Aircraft,
            EntityKind::Other,
        ][g.rng.weighted(&[55, 35, 5, 3, 2])];
        // Authorities that list this entity: one, then each further one with probability 0.2.
        let first = g.rng.weighted(&AUTHORITY_WEIGHTS);
        let mut authorities = vec![first];
        while authorities.len() < AUTHORITIES.len() && g.rng.chance(0.2) {
            let other = g.rng.weighted(&AUTHORITY_WEIGHTS);
            if !authorities.contains(&other) {
                authorities.push(other);
            }
        }
        let first_day = g.skewed_day();
        let mut reg_day = i64::MAX;
        let mut reg_recorded = i64::MAX;
        for (k, &authority) in authorities.iter().enumerate() {
            // Other authorities follow within about a year (coordinated listings).
            let mut start = if k == 0 {
                first_day
            } else {
                (first_day + g.rng.range(0, 400)).min(end_day - 1)
            };
            loop {
                if lives.len() >= designations {
                    break;
                }
                let (first_recorded, relist_at) = plan_designation(
                    &mut g,
                    &mut lives,
                    &mut planned,
                    (entity, index, kind),
                    authority,
                    start,
                );
                reg_day = reg_day.min(start);
                reg_recorded = reg_recorded.min(first_recorded);
                match relist_at {
                    Some(day) => start = day,
                    None => break,
                }
            }
        }
        register_entity(&mut g, (entity, index, kind), first, reg_day, reg_recorded);
        entities.push(entity);
        registered.push(reg_recorded);
    }

    let (covers, licences) = plan_licences(&mut g, &lives, &entities, &registered);
    let retracted_delistings = plan_retractions(&mut g, &mut lives, &mut planned, &entities);
    // Last, so that everything above is drawn as before relations existed.
    let relations = plan_ownership(&mut g, &lives, &mut entities, &mut registered);
    let retractions = g
        .pending
        .iter()
        .filter(|p| matches!(p.change.kind, ChangeKind::Retract { .. }))
        .count();

    let mut pending = g.pending;
    pending.sort_unstable_by_key(|p| (p.recorded, p.rank, p.seq));
    let changes = pending.into_iter().map(|p| p.change).collect();
    Workload {
        changes,
        designations: planned,
        entities,
        covers,
        retracted_delistings,
        licences,
        retractions,
        relations,
    }
}

/// Registers an entity effective with its first designation and recorded with the first of
/// them the ledger learned of; 5% of entities later gain an alias.
fn register_entity(
    g: &mut Generator,
    (entity, index, kind): (EntityId, usize, EntityKind),
    first: usize,
    reg_day: i64,
    reg_recorded: i64,
) {
    let end_day = g.end_day;
    // The registration: effective with the first designation, recorded with the first
    // one the ledger learned of.
    let authority = &AUTHORITIES[first];
    let record = g.entity_record(index, kind, authority);
    let citation = format!("{authority} list entry {index}");
    let change = g.change(
        reg_day,
        reg_recorded,
        citation,
        ChangeKind::RegisterEntity {
            entity,
            record: Box::new(record),
        },
    );
    g.push(reg_recorded, 0, change);
    // 5% of entities later gain an alias.
    if g.rng.chance(0.05) && reg_day + 1 < end_day {
        let day = g.rng.range(reg_day + 1, end_day);
        let recorded = g.natural_recorded(day).max(reg_recorded);
        let record = g
            .entity_record(index, kind, authority)
            .with_alias(format!("Amended Alias {index}"));
        let change = g.change(
            day,
            recorded,
            format!("{authority} list amendment {index}"),
            ChangeKind::AmendEntity {
                entity,
                record: Box::new(record),
            },
        );
        g.push(recorded, 2, change);
    }
}

/// Plans one designation of `entity` by `authority` from `start`, with its amendments and
/// delisting. Returns its recorded instant and the start of a re-listing if any.
fn plan_designation(
    g: &mut Generator,
    lives: &mut Vec<DesignationLife>,
    planned: &mut Vec<PlannedDesignation>,
    (entity, entity_index, kind): (EntityId, usize, EntityKind),
    authority: usize,
    start: i64,
) -> (i64, Option<i64>) {
    let end_day = g.end_day;
    let number = lives.len();
    let id = DesignationId::derive(&format!("w{:x}:designation:{number}", g.seed));
    let auth = &AUTHORITIES[authority];
    let recorded = g.natural_recorded(start);
    let terms = g.terms(auth, kind, start);
    let record = Designation::new(entity, auth.clone(), terms.clone());
    let change = g.change(
        start,
        recorded,
        format!("{auth} designation notice {}", date(start)),
        ChangeKind::Designate {
            designation: id,
            record: Box::new(record),
        },
    );
    g.push(recorded, 1, change);

    let until = if start + 1 < end_day && g.rng.chance(0.3) {
        // Delisted some time later: uniform over the rest of the history.
        Some(g.rng.range(start + 1, end_day))
    } else {
        None
    };
    let mut chain_recorded = recorded;
    let mut amendments = Vec::new();
    if g.rng.chance(0.1) {
        let count = if g.rng.chance(0.7) {
            1
        } else {
            g.rng.range(2, 4)
        };
        let last = until.unwrap_or(end_day);
        let mut days: Vec<i64> = (0..count).map(|_| g.rng.range(start, last)).collect();
        days.sort_unstable();
        days.dedup();
        for (k, day) in days.into_iter().enumerate() {
            let recorded = g.natural_recorded(day).max(chain_recorded);
            chain_recorded = recorded;
            let terms = terms
                .clone()
                .with_legal_basis(format!("{auth} amending instrument {} #{k}", date(day)));
            let change = g.change(
                day,
                recorded,
                format!("{auth} amendment notice {}", date(day)),
                ChangeKind::AmendDesignation {
                    designation: id,
                    terms: Box::new(terms),
                },
            );
            amendments.push((change.id, recorded));
            g.push(recorded, 2, change);
        }
    }
    let mut delisting = None;
    let mut relist_at = None;
    if let Some(day) = until {
        let recorded = g.natural_recorded(day).max(chain_recorded);
        let change = g.change(
            day,
            recorded,
            format!("{auth} delisting notice {}", date(day)),
            ChangeKind::Delist { designation: id },
        );
        delisting = Some((change.id, recorded));
        g.push(recorded, 2, change);
        if day + 1 < end_day && g.rng.chance(0.15) {
            relist_at = Some(g.rng.range(day + 1, end_day));
        }
    }
    lives.push(DesignationLife {
        entity: entity_index,
        authority,
        from: start,
        until,
        relisted: relist_at.is_some(),
        amendments,
        delisting,
    });
    planned.push(PlannedDesignation {
        id,
        entity,
        authority: auth.clone(),
        from: date(start),
        until: until.map(date),
    });
    (recorded, relist_at)
}

/// One licence per 100 designations, of the authority of a designation it covers.
fn plan_licences(
    g: &mut Generator,
    lives: &[DesignationLife],
    entities: &[EntityId],
    registered: &[i64],
) -> (Vec<PlannedCover>, usize) {
    let end_day = g.end_day;
    let count = (lives.len() / 100).max(1);
    let mut covers = Vec::new();
    for number in 0..count {
        let anchor = &lives[g.rng.below(lives.len() as u64) as usize];
        let authority = anchor.authority;
        let auth = &AUTHORITIES[authority];
        let last = anchor.until.unwrap_or(end_day);
        let start = g.rng.range(anchor.from, last);
        // Up to two more entities listed by the same authority.
        let mut covered = vec![anchor.entity];
        for _ in 0..g.rng.below(3) {
            for _try in 0..20 {
                let other = &lives[g.rng.below(lives.len() as u64) as usize];
                if other.authority == authority && !covered.contains(&other.entity) {
                    covered.push(other.entity);
                    break;
                }
            }
        }
        let until = if start + 1 < end_day && g.rng.chance(0.5) {
            Some(g.rng.range(start + 1, end_day))
        } else {
            None
        };
        let id = LicenceId::derive(&format!("w{:x}:licence:{number}", g.seed));
        let name = format!("{auth} General License {number}");
        let mut terms = LicenceTerms::general(name, entities[covered[0]]);
        for &e in &covered[1..] {
            terms = terms.with_entity(entities[e]);
        }
        if g.rng.chance(0.3) {
            terms = terms.specific();
        }
        let mut recorded = g.natural_recorded(start);
        for &e in &covered {
            recorded = recorded.max(registered[e]);
        }
        let change = g.change(
            start,
            recorded,
            format!("{auth} licence notice {}", date(start)),
            ChangeKind::IssueLicence {
                licence: id,
                record: Box::new(Licence::new(auth.clone(), terms.clone())),
            },
        );
        g.push(recorded, 2, change);
        for &e in &covered {
            covers.push(PlannedCover {
                entity: entities[e],
                authority: auth.clone(),
                from: date(start),
                until: until.map(date),
            });
        }
        let mut chain_recorded = recorded;
        if g.rng.chance(0.3) {
            let licence = (id, authority, start, until, chain_recorded);
            chain_recorded = amend_licence(
                g,
                lives,
                entities,
                registered,
                &mut covers,
                licence,
                &terms,
                &covered,
            )
            .unwrap_or(chain_recorded);
        }
        if let Some(day) = until {
            let recorded = g.natural_recorded(day).max(chain_recorded);
            let end = if g.rng.chance(0.5) {
                LicenceEnd::Expired
            } else {
                LicenceEnd::Revoked
            };
            let change = g.change(
                day,
                recorded,
                format!("{auth} licence end {}", date(day)),
                ChangeKind::EndLicence { licence: id, end },
            );
            g.push(recorded, 2, change);
        }
    }
    (covers, count)
}

/// Amends a licence to cover one more entity listed by its authority, if one is found. Returns
/// the amendment's recorded instant.
#[allow(clippy::too_many_arguments)] // a private step of `plan_licences`
fn amend_licence(
    g: &mut Generator,
    lives: &[DesignationLife],
    entities: &[EntityId],
    registered: &[i64],
    covers: &mut Vec<PlannedCover>,
    (id, authority, start, until, issued): (LicenceId, usize, i64, Option<i64>, i64),
    terms: &LicenceTerms,
    covered: &[usize],
) -> Option<i64> {
    let auth = &AUTHORITIES[authority];
    let last = until.unwrap_or(g.end_day);
    for _try in 0..20 {
        let other = &lives[g.rng.below(lives.len() as u64) as usize];
        if other.authority != authority || covered.contains(&other.entity) {
            continue;
        }
        let day = g.rng.range(start, last);
        let recorded = g
            .natural_recorded(day)
            .max(issued)
            .max(registered[other.entity]);
        let terms = terms.clone().with_entity(entities[other.entity]);
        let change = g.change(
            day,
            recorded,
            format!("{auth} licence amendment {}", date(day)),
            ChangeKind::AmendLicence {
                licence: id,
                terms: Box::new(terms),
            },
        );
        g.push(recorded, 2, change);
        covers.push(PlannedCover {
            entity: entities[other.entity],
            authority: auth.clone(),
            from: date(day),
            until: until.map(date),
        });
        return Some(recorded);
    }
    None
}

/// One retraction per 200 designations: 70% of designation amendments, 30% of delistings (of
/// designations not re-listed). Nothing depends on either, so the ledger accepts them.
fn plan_retractions(
    g: &mut Generator,
    lives: &mut [DesignationLife],
    planned: &mut [PlannedDesignation],
    entities: &[EntityId],
) -> Vec<PlannedRetraction> {
    let amended: Vec<usize> = (0..lives.len())
        .filter(|&i| !lives[i].amendments.is_empty())
        .collect();
    let delisted: Vec<usize> = (0..lives.len())
        .filter(|&i| lives[i].delisting.is_some() && !lives[i].relisted)
        .collect();
    let count = (lives.len() / 200).max(1);
    let mut done = HashSet::new();
    let mut retracted_delistings = Vec::new();
    for _ in 0..count {
        let delisting = g.rng.chance(0.3);
        let pool = if delisting { &delisted } else { &amended };
        if pool.is_empty() {
            continue;
        }
        let i = pool[g.rng.below(pool.len() as u64) as usize];
        let life = &lives[i];
        let (target, recorded) = if delisting {
            life.delisting.expect("in the delisted pool")
        } else {
            life.amendments[g.rng.below(life.amendments.len() as u64) as usize]
        };
        if !done.insert(target) {
            continue;
        }
        let retracted = recorded + g.rng.range(86_400, 180 * 86_400);
        let day = retracted.div_euclid(86_400) - day_secs(0).div_euclid(86_400);
        let reason = if delisting {
            "delisting entered in error"
        } else {
            "amendment entered in error"
        };
        let change = g.change(
            day,
            retracted,
            format!("correction {}", date(day)),
            ChangeKind::Retract {
                change: target,
                reason: reason.to_owned(),
            },
        );
        g.push(retracted, 3, change);
        if delisting {
            let life = &mut lives[i];
            retracted_delistings.push(PlannedRetraction {
                entity: entities[life.entity],
                authority: AUTHORITIES[life.authority].clone(),
                delisted: date(life.until.expect("delisted")),
                recorded: instant(recorded),
                retracted: instant(retracted),
            });
            life.until = None;
            planned[i].until = None;
        }
    }
    retracted_delistings
}

/// Plans one relation per five designations: chains of new subsidiaries under listed entities.
#[allow(clippy::too_many_lines)] // one generator loop, level by level
fn plan_ownership(
    g: &mut Generator,
    lives: &[DesignationLife],
    entities: &mut Vec<EntityId>,
    registered: &mut Vec<i64>,
) -> Vec<PlannedRelation> {
    const SHARES: [u16; 6] = [10_000, 7_500, 6_000, 5_100, 5_000, 10_000];
    let end_day = g.end_day;
    let target = (lives.len() / 5).max(1);
    let mut relations: Vec<PlannedRelation> = Vec::with_capacity(target + 16);
    // Per entity index: the largest shares its owners may hold, added up (at most 100%).
    let mut held: std::collections::HashMap<usize, u16> = std::collections::HashMap::new();
    let mut next_subsidiary = 0usize;
    while relations.len() < target {
        let root = &lives[g.rng.below(lives.len() as u64) as usize];
        let authority = AUTHORITIES[root.authority].clone();
        let listed = (root.from, root.until);
        let depth = 1 + g.rng.weighted(&[30, 25, 20, 12, 8, 5]);
        // The chain's relations begin around the root's listing, some before, some after.
        let mut start = (root.from + g.rng.range(-3_000, 1_000)).clamp(0, end_day - 2);
        // The owner at this level, as an index into the entities.
        let mut parent = root.entity;
        for _level in 0..depth {
            if relations.len() >= target {
                break;
            }
            // A new, unlisted subsidiary, registered when its first owner takes it.
            let child = entities.len();
            let entity = EntityId::derive(&format!("w{:x}:subsidiary:{next_subsidiary}", g.seed));
            next_subsidiary += 1;
            let recorded = g.natural_recorded(start).max(registered[parent]);
            let record = Entity::new(
                EntityKind::Organisation,
                format!(
                    "{} Holdings Subsidiary {next_subsidiary}",
                    WORDS[g.rng.below(8) as usize]
                ),
            )
            .with_country(Country::new(COUNTRIES[g.rng.below(8) as usize]).expect("a country"));
            let change = g.change(
                start,
                recorded,
                format!("company register extract {next_subsidiary}"),
                ChangeKind::RegisterEntity {
                    entity,
                    record: Box::new(record),
                },
            );
            g.push(recorded, 0, change);
            entities.push(entity);
            registered.push(recorded);

            // The stake (or control) of the parent, and sometimes a second, listed owner.
            let control = g.rng.chance(0.05);
            let (share, second) = if !control && g.rng.chance(0.15) {
                (3_000, Some(2_500))
            } else {
                (SHARES[g.rng.below(SHARES.len() as u64) as usize], None)
            };
            let until = if g.rng.chance(0.2) {
                Some(g.rng.range(start + 1, end_day))
            } else {
                None
            };
            let share = (!control).then_some(share);
            relations.push(plan_relation(
                g,
                (entities[parent], parent),
                (entity, child),
                share,
                (start, until),
                (&authority, listed),
                registered,
                &mut held,
            ));
            if let Some(second_share) = second {
                let other = &lives[g.rng.below(lives.len() as u64) as usize];
                if other.entity != child && other.entity != parent {
                    relations.push(plan_relation(
                        g,
                        (entities[other.entity], other.entity),
                        (entity, child),
                        Some(second_share),
                        (start, until),
                        (&authority, listed),
                        registered,
                        &mut held,
                    ));
                }
            }
            // A few chains end with a small stake back in their listed root: a cycle.
            if g.rng.chance(0.02) && held.get(&root.entity).copied().unwrap_or(0) <= 9_000 {
                relations.push(plan_relation(
                    g,
                    (entity, child),
                    (entities[root.entity], root.entity),
                    Some(1_000),
                    (start, None),
                    (&authority, listed),
                    registered,
                    &mut held,
                ));
            }
            parent = child;
            start = (start + g.rng.range(0, 400)).min(end_day - 2);
        }
    }
    relations
}

/// One relation from `parent` to `child` (each an id and an index into the entities), with its
/// share (`None` for a control) over `[from, until)`; 10% of ownerships have their share
/// amended once. `held` keeps every entity's owners within 100%.
#[allow(clippy::too_many_arguments)] // a private step of `plan_ownership`
fn plan_relation(
    g: &mut Generator,
    (parent, parent_at): (EntityId, usize),
    (child, child_at): (EntityId, usize),
    share: Option<u16>,
    (from, until): (i64, Option<i64>),
    (authority, listed): (&Authority, (i64, Option<i64>)),
    registered: &[i64],
    held: &mut std::collections::HashMap<usize, u16>,
) -> PlannedRelation {
    let number = g.next_change;
    let id = RelationId::derive(&format!("w{:x}:relation:{number}", g.seed));
    let recorded = g
        .natural_recorded(from)
        .max(registered[parent_at])
        .max(registered[child_at]);
    let used = held.entry(child_at).or_insert(0);
    let share = share.map(|s| s.min(10_000 - *used));
    let record = match share {
        Some(s) => Relation::ownership(parent, child, Share::hundredths(s, s).expect("a share")),
        None => Relation::control(parent, child),
    };
    let change = g.change(
        from,
        recorded,
        format!("ownership filing {number}"),
        ChangeKind::Relate {
            relation: id,
            record: Box::new(record),
        },
    );
    g.push(recorded, 2, change);
    let mut versions = Vec::new();
    let mut chain_recorded = recorded;
    if let Some(s) = share {
        versions.push((date(from), s));
        let last = until.unwrap_or(g.end_day);
        if g.rng.chance(0.1) && from + 1 < last {
            // Down to a smaller stake (which keeps the owned entity within 100%).
            let day = g.rng.range(from + 1, last);
            let lower = [5_000, 4_900, 2_000][g.rng.below(3) as usize].min(s);
            let recorded = g.natural_recorded(day).max(chain_recorded);
            chain_recorded = recorded;
            let change = g.change(
                day,
                recorded,
                format!("ownership filing {number} amended"),
                ChangeKind::AmendRelation {
                    relation: id,
                    terms: Box::new(RelationTerms::with_share(
                        Share::hundredths(lower, lower).expect("a share"),
                    )),
                },
            );
            g.push(recorded, 2, change);
            versions.push((date(day), lower));
        }
        *used += s;
    }
    if let Some(day) = until {
        let recorded = g.natural_recorded(day).max(chain_recorded);
        let change = g.change(
            day,
            recorded,
            format!("ownership filing {number} ended"),
            ChangeKind::EndRelation { relation: id },
        );
        g.push(recorded, 2, change);
    }
    PlannedRelation {
        id,
        owner: parent,
        owned: child,
        shares: share.map(|_| versions),
        from: date(from),
        until: until.map(date),
        authority: authority.clone(),
        listed: (date(listed.0), listed.1.map(date)),
    }
}

/// One status question: an entity, an authority, a date.
#[derive(Debug, Clone)]
pub(crate) struct StatusQuery {
    /// The entity.
    pub(crate) entity: EntityId,
    /// The authority.
    pub(crate) authority: Authority,
    /// The date.
    pub(crate) date: NaiveDate,
}

/// A deterministic sample of questions for a workload.
#[derive(Debug, Clone)]
pub(crate) struct Queries {
    /// Status questions: a mix that is not listed, listed, and listed and licensed.
    pub(crate) status: Vec<StatusQuery>,
    /// Dates for `state_on`.
    pub(crate) dates: Vec<NaiveDate>,
    /// Date pairs a month apart, for `changes_between` and `diff`.
    pub(crate) months: Vec<(NaiveDate, NaiveDate)>,
    /// Status questions as known at an instant; a fifth of them around retracted delistings.
    pub(crate) known_at: Vec<(DateTime<Utc>, StatusQuery)>,
    /// Entities for `timeline`.
    pub(crate) entities: Vec<EntityId>,
    /// Derived-status questions about entities that some relation owns or controls: seven in
    /// ten with the authority (one with an ownership rule) of the listed entity atop its chain, on a date the relation and
    /// (when the two overlap) that entity's designation are in force; the rest with any
    /// authority on any date.
    pub(crate) derived: Vec<StatusQuery>,
}

/// Picks `n` questions of each kind from `workload`, deterministically from `seed`.
#[must_use]
#[allow(clippy::too_many_lines)] // one block per kind of question, in the order of `Queries`
pub(crate) fn sample_queries(workload: &Workload, seed: u64, n: usize) -> Queries {
    let mut rng = SplitMix64::new(seed ^ 0x7175_6572_6965_7321);
    let end_day = day_of(history_end());
    let designations = &workload.designations;
    let pick_designation =
        |rng: &mut SplitMix64| designations[rng.below(designations.len() as u64) as usize].clone();
    let in_period = |rng: &mut SplitMix64, from: NaiveDate, until: Option<NaiveDate>| {
        let last = until.map_or(end_day, day_of);
        date(rng.range(day_of(from), last.max(day_of(from) + 1)))
    };
    let mut status = Vec::with_capacity(n);
    for _ in 0..n {
        let query = match rng.below(10) {
            // Listed: a date inside a designation's period.
            0..=3 => {
                let d = pick_designation(&mut rng);
                let date = in_period(&mut rng, d.from, d.until);
                StatusQuery {
                    entity: d.entity,
                    authority: d.authority,
                    date,
                }
            }
            // Licensed (if still listed): a date inside a licence's coverage.
            4 if !workload.covers.is_empty() => {
                let c = &workload.covers[rng.below(workload.covers.len() as u64) as usize];
                let date = in_period(&mut rng, c.from, c.until);
                StatusQuery {
                    entity: c.entity,
                    authority: c.authority.clone(),
                    date,
                }
            }
            // A designated pair on any date: often before or after the listing.
            4..=7 => {
                let d = pick_designation(&mut rng);
                StatusQuery {
                    entity: d.entity,
                    authority: d.authority,
                    date: date(rng.range(0, end_day)),
                }
            }
            // Any entity with any authority: mostly not listed.
            _ => StatusQuery {
                entity: workload.entities[rng.below(workload.entities.len() as u64) as usize],
                authority: AUTHORITIES[rng.below(AUTHORITIES.len() as u64) as usize].clone(),
                date: date(rng.range(0, end_day)),
            },
        };
        status.push(query);
    }
    let dates = (0..n).map(|_| date(rng.range(0, end_day))).collect();
    let months = (0..n)
        .map(|_| {
            let from = rng.range(0, end_day - 30);
            (date(from), date(from + 30))
        })
        .collect();
    let (first, last) = workload.recorded_span();
    let (first, last) = (first.timestamp(), last.timestamp() + 1);
    let known_at = (0..n)
        .map(|k| {
            let retractions = &workload.retracted_delistings;
            if k % 5 == 0 && !retractions.is_empty() {
                // Around a retracted delisting: some views see it, later ones do not.
                let r = &retractions[rng.below(retractions.len() as u64) as usize];
                let (lo, hi) = (r.recorded.timestamp(), r.retracted.timestamp() + 86_400);
                let at = instant(rng.range(lo, hi));
                let query = StatusQuery {
                    entity: r.entity,
                    authority: r.authority.clone(),
                    date: date(rng.range(day_of(r.delisted), end_day.max(day_of(r.delisted) + 1))),
                };
                (at, query)
            } else {
                let at = instant(rng.range(first, last));
                (at, status[rng.below(status.len() as u64) as usize].clone())
            }
        })
        .collect();
    let entities = (0..n)
        .map(|_| workload.entities[rng.below(workload.entities.len() as u64) as usize])
        .collect();
    let relations = &workload.relations;
    let derived = (0..n)
        .map(|k| {
            if relations.is_empty() {
                return status[k % status.len()].clone();
            }
            let mut r = &relations[rng.below(relations.len() as u64) as usize];
            if k % 10 < 7 {
                // Under an authority with an ownership rule (a few draws at most), so that the
                // question walks up the owners.
                for _ in 0..8 {
                    if OwnershipRule::for_authority(&r.authority, r.from).is_some() {
                        break;
                    }
                    r = &relations[rng.below(relations.len() as u64) as usize];
                }
                // While both the relation and the listing at the top of its chain are in force,
                // when they overlap: the owner may still have been delisted, or own too small a
                // stake, so every kind still turns up.
                let from = r.from.max(r.listed.0);
                let until = match (r.until, r.listed.1) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                let (from, until) = if until.is_none_or(|u| from < u) {
                    (from, until)
                } else {
                    (r.from, r.until)
                };
                StatusQuery {
                    entity: r.owned,
                    authority: r.authority.clone(),
                    date: in_period(&mut rng, from, until),
                }
            } else {
                StatusQuery {
                    entity: r.owned,
                    authority: AUTHORITIES[rng.below(AUTHORITIES.len() as u64) as usize].clone(),
                    date: date(rng.range(0, end_day)),
                }
            }
        })
        .collect();
    Queries {
        status,
        dates,
        months,
        known_at,
        entities,
        derived,
    }
}
