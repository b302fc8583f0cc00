//! The cluster workload (issue 12): links that join a tenth of a workload's entities into
//! clusters of two to four, as one subject listed under several list entries would be, and
//! status questions about clustered entities.

use std::collections::HashMap;

use sanctions_ledger::{Change, ChangeId, ChangeKind, EntityId, Link, LinkId, LinkReason, Source};

use super::{date, day_of, history_end, history_start, instant, SplitMix64, StatusQuery, Workload};

/// Links over a workload, and the clusters they make.
#[derive(Debug, Clone)]
pub(crate) struct Clusters {
    /// One `Link` change per pair joined, all recorded one second after the workload's last
    /// change and in force from the start of its history.
    pub(crate) links: Vec<Change>,
    /// The clusters, two to four entities each.
    pub(crate) clusters: Vec<Vec<EntityId>>,
}

/// Joins 10% of `workload`'s entities (picked deterministically from `seed`) into clusters of
/// two to four, each a chain of links.
pub(crate) fn generate(workload: &Workload, seed: u64) -> Clusters {
    let mut rng = SplitMix64::new(seed ^ 0x6c69_6e6b_7321);
    let mut entities = workload.entities.clone();
    // A deterministic shuffle (Fisher-Yates), then the first tenth.
    for i in (1..entities.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        entities.swap(i, j);
    }
    let chosen = &entities[..entities.len() / 10];
    let (_, last) = workload.recorded_span();
    let recorded = instant(last.timestamp() + 1);
    let mut clusters = Vec::new();
    let mut links = Vec::new();
    let mut at = 0;
    while at + 2 <= chosen.len() {
        let size = (2 + rng.below(3) as usize).min(chosen.len() - at);
        let members = chosen[at..at + size].to_vec();
        at += size;
        for pair in members.windows(2) {
            let name = format!("bench-link:{}", links.len());
            links.push(Change::new(
                ChangeId::derive(&name),
                history_start(),
                recorded,
                Source::new("bench cluster workload"),
                ChangeKind::Link {
                    link: LinkId::derive(&name),
                    record: Box::new(Link::new(
                        pair[0],
                        pair[1],
                        LinkReason::analyst("one subject"),
                    )),
                },
            ));
        }
        clusters.push(members);
    }
    Clusters { links, clusters }
}

/// `n` status questions about clustered entities: half on a date inside a designation of a
/// member of the entity's cluster (with its authority), half on any date with the authority of
/// a member's designation.
pub(crate) fn queries(
    workload: &Workload,
    clusters: &Clusters,
    seed: u64,
    n: usize,
) -> Vec<StatusQuery> {
    let mut rng = SplitMix64::new(seed ^ 0x0063_6c75_7374_6572);
    let mut designations: HashMap<EntityId, Vec<usize>> = HashMap::new();
    for (i, d) in workload.designations.iter().enumerate() {
        designations.entry(d.entity).or_default().push(i);
    }
    let end_day = day_of(history_end());
    let mut out = Vec::with_capacity(n);
    while out.len() < n && !clusters.clusters.is_empty() {
        let cluster = &clusters.clusters[rng.below(clusters.clusters.len() as u64) as usize];
        let asked = cluster[rng.below(cluster.len() as u64) as usize];
        let member = cluster[rng.below(cluster.len() as u64) as usize];
        let Some(listed) = designations.get(&member) else {
            continue;
        };
        let d = &workload.designations[listed[rng.below(listed.len() as u64) as usize]];
        let day = if rng.chance(0.5) {
            let last = d.until.map_or(end_day, day_of);
            rng.range(day_of(d.from), last.max(day_of(d.from) + 1))
        } else {
            rng.range(0, end_day)
        };
        out.push(StatusQuery {
            entity: asked,
            authority: d.authority.clone(),
            date: date(day),
        });
    }
    out
}
