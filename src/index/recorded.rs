//! The recorded instants of the log, compactly: each distinct instant once, with the number of
//! changes recorded at or before it, and a table of time buckets over them. A view known at an
//! instant finds its cut from its bucket (two adjacent entries of a small table) and a search
//! among the few instants of that bucket, instead of a binary search over all of them: at 10⁵
//! distinct instants that search was 17 dependent loads into megabytes, the larger part of a
//! status question asked as known at an instant.

use chrono::{DateTime, Utc};

/// The distinct recorded instants of the log, in log order (the log's `recorded` never
/// decreases), each with the length of the log prefix recorded at or before it.
#[derive(Debug, Clone, Default)]
pub(super) struct Recorded {
    instants: Vec<DateTime<Utc>>,
    /// `ends[i]`: the number of changes recorded at or before `instants[i]`.
    ends: Vec<u32>,
    /// The instants by time bucket: an instant with Unix seconds `s` is in bucket
    /// `(s - base) >> shift`, and `starts[b]` is the number of instants in the buckets before
    /// `b`. The last entry is the bucket of the last instant; empty when there are no instants.
    starts: Vec<u32>,
    /// The Unix seconds of the first instant.
    base: i64,
    /// Each bucket spans `2^shift` seconds, doubled whenever the table would outgrow the
    /// instants (so it holds at most about one entry per instant, 4 bytes each).
    shift: u32,
    /// For each doubling of the buckets, in order, the number of instants before the one
    /// that caused it: [`Recorded::pop`] undoes it with that instant, so that a refused batch
    /// leaves the table as a log that never held the batch would have it.
    doublings: Vec<u32>,
}

impl Recorded {
    /// Adds the change at `at`, the last of the log, recorded at `recorded`.
    pub(super) fn push(&mut self, recorded: DateTime<Utc>, at: usize) {
        let end = super::compact(at + 1);
        match (self.instants.last(), self.ends.last_mut()) {
            (Some(last), Some(last_end)) if *last == recorded => *last_end = end,
            _ => {
                self.bucket_instant(recorded);
                self.instants.push(recorded);
                self.ends.push(end);
            }
        }
    }

    /// Extends the bucket table to a new distinct instant, the next to be pushed.
    fn bucket_instant(&mut self, recorded: DateTime<Utc>) {
        let seconds = recorded.timestamp();
        if self.instants.is_empty() {
            self.base = seconds;
            self.shift = 0;
            self.starts.clear();
        }
        // Recorded instants never decrease, so the offset is not negative.
        let offset = seconds.abs_diff(self.base);
        let limit = self.instants.len() as u64 + 64;
        while (offset >> self.shift) >= limit {
            // Coarser buckets: the new bucket j is the old 2j and 2j + 1, before which lie the
            // instants before the old 2j.
            self.shift += 1;
            self.doublings.push(super::compact(self.instants.len()));
            let halved: Vec<u32> = self.starts.iter().copied().step_by(2).collect();
            self.starts = halved;
        }
        // `offset >> shift < limit`, which is at most the number of instants plus 64.
        let bucket = usize::try_from(offset >> self.shift).unwrap_or(usize::MAX);
        let index = super::compact(self.instants.len());
        if self.starts.len() <= bucket {
            self.starts.resize(bucket + 1, index);
        }
    }

    /// Undoes [`Recorded::push`] for the change at `at`, the last one added.
    pub(super) fn pop(&mut self, at: usize) {
        let before = self.ends.len().checked_sub(2).map_or(0, |i| self.ends[i]);
        if before == super::compact(at) {
            // The instant held this change only.
            self.instants.pop();
            self.ends.pop();
            let count = super::compact(self.instants.len());
            if self.doublings.last() == Some(&count) {
                // It doubled the buckets: back to the finer ones, rebuilt from the instants.
                while self.doublings.last() == Some(&count) {
                    self.doublings.pop();
                    self.shift -= 1;
                }
                self.rebuild_buckets();
            } else {
                // The buckets from the one after the remaining last instant's were added for it.
                while self.starts.last() == Some(&count) {
                    self.starts.pop();
                }
            }
            if self.instants.is_empty() {
                *self = Recorded::default();
            }
        } else if let Some(end) = self.ends.last_mut() {
            *end = super::compact(at);
        }
    }

    /// Recomputes the bucket table from the instants, `base` and `shift`.
    fn rebuild_buckets(&mut self) {
        self.starts.clear();
        for (i, instant) in self.instants.iter().enumerate() {
            let offset = instant.timestamp().abs_diff(self.base) >> self.shift;
            let bucket = usize::try_from(offset).unwrap_or(usize::MAX);
            if self.starts.len() <= bucket {
                self.starts.resize(bucket + 1, super::compact(i));
            }
        }
    }

    /// The number of changes recorded at or before `instant`: the cut of a view known then.
    ///
    /// O(1) to find the instant's bucket, then O(log k) in the k instants of that bucket (O(log
    /// r) in all the distinct instants at worst, when they crowd into one bucket).
    pub(super) fn cut(&self, instant: DateTime<Utc>) -> usize {
        let Some(first) = self.instants.first() else {
            return 0;
        };
        if instant < *first {
            return 0;
        }
        let offset = instant.timestamp().abs_diff(self.base) >> self.shift;
        let bucket = usize::try_from(offset).unwrap_or(usize::MAX);
        let (low, high) = match self.starts.get(bucket) {
            // The instants of the bucket: every earlier one is before `instant`, every later
            // one after it.
            Some(&low) => {
                let high = self
                    .starts
                    .get(bucket + 1)
                    .map_or(self.instants.len(), |&h| h as usize);
                (low as usize, high)
            }
            // After the last instant's bucket: every instant is at or before `instant`.
            None => (self.instants.len(), self.instants.len()),
        };
        let seen = low + self.instants[low..high].partition_point(|r| *r <= instant);
        seen.checked_sub(1).map_or(0, |i| self.ends[i] as usize)
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
        assert_eq!(
            format!("{recorded:?}"),
            format!("{:?}", Recorded::default())
        );
    }

    /// The same over logs whose instants crowd, spread over centuries, repeat, carry
    /// nanoseconds and jump far ahead (so that the buckets coarsen many times), at instants
    /// on, between, just before and just after the recorded ones; and after popping back to
    /// every length and pushing again.
    #[test]
    fn cut_by_buckets_counts_the_changes_recorded_by_an_instant() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            i64::try_from(state >> 33).expect("31 bits")
        };
        for round in 0..16 {
            let mut log = Vec::new();
            let mut t = Utc.timestamp_opt(-2_000_000_000 + next(), 0).unwrap();
            for _ in 0..(next() % 200) {
                let step = match next() % 6 {
                    0 => chrono::TimeDelta::zero(),
                    1 => chrono::TimeDelta::nanoseconds(next() % 1_000),
                    2 => chrono::TimeDelta::seconds(next() % 100),
                    3 => chrono::TimeDelta::days(next() % 40),
                    4 if round % 4 == 0 => chrono::TimeDelta::days(365 * 300),
                    _ => chrono::TimeDelta::hours(next() % 10_000),
                };
                t += step;
                log.push(t);
            }
            let mut probes: Vec<DateTime<Utc>> = Vec::new();
            for r in &log {
                for d in [-1_000_000_000, -1, 0, 1, 1_000_000_000] {
                    probes.push(*r + chrono::TimeDelta::nanoseconds(d));
                }
            }
            probes.push(DateTime::<Utc>::MIN_UTC);
            probes.push(DateTime::<Utc>::MAX_UTC);
            let check = |recorded: &Recorded, len: usize| {
                for t in &probes {
                    let expected = log[..len].iter().filter(|r| *r <= t).count();
                    assert_eq!(
                        recorded.cut(*t),
                        expected,
                        "round {round}, length {len}, {t}"
                    );
                }
            };
            let mut recorded = Recorded::default();
            for (at, r) in log.iter().enumerate() {
                recorded.push(*r, at);
            }
            check(&recorded, log.len());
            let keep = log.len() / 2;
            for len in (keep..log.len()).rev() {
                recorded.pop(len);
                check(&recorded, len);
            }
            // Popped back, it is what a log of that length alone would have built.
            let mut fresh = Recorded::default();
            for (at, r) in log.iter().enumerate().take(keep) {
                fresh.push(*r, at);
            }
            assert_eq!(
                format!("{recorded:?}"),
                format!("{fresh:?}"),
                "round {round}"
            );
            for (at, r) in log.iter().enumerate().skip(keep) {
                recorded.push(*r, at);
            }
            check(&recorded, log.len());
            assert!(recorded.starts.len() <= recorded.instants.len() + 64);
        }
    }
}
