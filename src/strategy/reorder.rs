//! Reorderings: other orders of a history's changes that respect their dependencies.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use proptest::collection::vec;
use proptest::prelude::*;

use super::history::History;

/// Another order of `history`'s changes in which every change still comes after those it
/// depends on ([`History::dependencies`]). The recorded instants are reassigned in the new
/// order (the same instants, in order), so the result is a valid history whose current view
/// answers every question like the original's.
pub fn reordered(history: History) -> impl Strategy<Value = History> {
    let n = history.changes.len();
    vec(any::<u32>(), n).prop_map(move |priorities| {
        let deps = history.dependencies();
        let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, d) in deps.iter().enumerate() {
            for &j in d {
                dependents[j].push(i);
            }
        }
        let mut ready: BTreeSet<(u32, usize)> = (0..n)
            .filter(|&i| waiting[i] == 0)
            .map(|i| (priorities[i], i))
            .collect();
        let mut order = Vec::with_capacity(n);
        while let Some(next) = ready.pop_first() {
            let i = next.1;
            order.push(i);
            for &k in &dependents[i] {
                waiting[k] -= 1;
                if waiting[k] == 0 {
                    ready.insert((priorities[k], k));
                }
            }
        }
        let instants: Vec<DateTime<Utc>> = history.changes.iter().map(|c| c.recorded).collect();
        let changes = order
            .into_iter()
            .zip(instants)
            .map(|(i, recorded)| {
                let mut change = history.changes[i].clone();
                change.recorded = recorded;
                change
            })
            .collect();
        History {
            changes,
            ..history.clone()
        }
    })
}
