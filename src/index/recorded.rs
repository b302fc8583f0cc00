//! The recorded instants of the log, compactly: each distinct instant once, with the number of
//! changes recorded at or before it. A view known at an instant finds its cut by a binary search
//! over these 16 bytes per instant instead of over the changes themselves, whose `recorded`
//! fields lie hundreds of bytes apart (one cache miss per step of the search).

use chrono::{DateTime, Utc};

/// The distinct recorded instants of the log, in log order (the log's `recorded` never
/// decreases), each with the length of the log prefix recorded at or before it.
#[derive(Debug, Clone, Default)]
pub(super) struct Recorded {
    instants: Vec<DateTime<Utc>>,
    /// `ends[i]`: the number of changes recorded at or before `instants[i]`.
    ends: Vec<u32>,
}

impl Recorded {
    /// Adds the change at `at`, the last of the log, recorded at `recorded`.
    pub(super) fn push(&mut self, recorded: DateTime<Utc>, at: usize) {
        let end = super::compact(at + 1);
        match (self.instants.last(), self.ends.last_mut()) {
            (Some(last), Some(last_end)) if *last == recorded => *last_end = end,
            _ => {
                self.instants.push(recorded);
                self.ends.push(end);
            }
        }
    }

    /// Undoes [`Recorded::push`] for the change at `at`, the last one added.
    pub(super) fn pop(&mut self, at: usize) {
        let before = self.ends.len().checked_sub(2).map_or(0, |i| self.ends[i]);
        if before == super::compact(at) {
            // The instant held this change only.
            self.instants.pop();
            self.ends.pop();
        } else if let Some(end) = self.ends.last_mut() {
            *end = super::compact(at);
        }
    }

    /// The number of changes recorded at or before `instant`: the cut of a view known then.
    ///
    /// O(log r) in the distinct recorded instants.
    pub(super) fn cut(&self, instant: DateTime<Utc>) -> usize {
        let i = self.instants.partition_point(|r| *r <= instant);
        i.checked_sub(1).map_or(0, |i| self.ends[i] as usize)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    use super::Recorded;

    fn instant(second: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + second, 0).unwrap()
    }

    /// The cut at every instant, before, between and after the recorded ones, equals a count
    /// over the log's instants; popping back to any length answers as if never pushed further.
    #[test]
    fn cut_counts_the_changes_recorded_by_an_instant() {
        // Recorded instants of a log of 8 changes, with repeats.
        let log = [1, 1, 3, 3, 3, 4, 7, 7].map(instant);
        let mut recorded = Recorded::default();
        for (at, r) in log.iter().enumerate() {
            recorded.push(*r, at);
        }
        for len in (0..=log.len()).rev() {
            for second in 0..9 {
                let t = instant(second);
                let expected = log[..len].iter().filter(|r| **r <= t).count();
                assert_eq!(recorded.cut(t), expected, "length {len}, second {second}");
            }
            if len > 0 {
                recorded.pop(len - 1);
            }
        }
        assert!(recorded.instants.is_empty() && recorded.ends.is_empty());
    }
}
