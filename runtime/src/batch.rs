//! Operations that send a collection of items and get one result per item
//! (e.g. `addActivities`), and their outcome: each submitted item paired
//! with its result.
//!
//! # How results are paired with items
//!
//! The service answers with one result per item, each echoing the item's
//! properties. [`BatchOutcome::pair`] pairs them:
//!
//! 1. If there are as many results as items and every result
//!    [echoes](ItemResult::echoes) the item at the same position, they are
//!    paired by position.
//! 2. Otherwise each result, in order, is paired with the first item it
//!    echoes that has no result yet. Items left without a result are
//!    [`EntryStatus::Missing`]; results that echo no remaining item are kept
//!    in [`BatchOutcome::unmatched_results`].
//!
//! A paired result is [`EntryStatus::Failed`] when it reports an error
//! ([`ItemResult::item_error`]), else [`EntryStatus::Succeeded`].

use http::StatusCode;

use crate::{Error, Operation};

/// An item result that reports its own failure (e.g.
/// `externalActivityResult.error`).
pub trait ItemResult<I> {
    /// The per-item error type.
    type Error;
    /// The error, if this item failed.
    fn item_error(&self) -> Option<&Self::Error>;
    /// Whether this result echoes `item` (same shared properties), used to pair
    /// results with items when their count or order differs from what was sent.
    fn echoes(&self, item: &I) -> bool;
}

/// How [`ItemResult::echoes`] compares a field of a result with the item's.
pub mod same {
    use crate::edm::DateTimeOffset;
    use crate::Nullable;

    /// Equal values.
    pub fn eq<T: PartialEq>(result: &Nullable<T>, item: &Nullable<T>) -> bool {
        result == item
    }

    /// The same instant, whatever the text (the service may write
    /// `2021-04-06T18:04:31.033Z` back as `2021-04-06T18:04:31.0330000Z`).
    pub fn instant(result: &Nullable<DateTimeOffset>, item: &Nullable<DateTimeOffset>) -> bool {
        match (result, item) {
            (Nullable::Value(result), Nullable::Value(item)) => {
                result.same_instant(item) || result == item
            }
            _ => result == item,
        }
    }
}

/// An operation that sends a collection of items and gets one result per item.
pub trait BatchOperation:
    Operation<Output = BatchOutcome<Self::Item, Self::Result>> + Sized
{
    /// What is submitted.
    type Item;
    /// What comes back per item.
    type Result: ItemResult<Self::Item>;
    /// The most items the service takes in one call.
    const MAX_ITEMS: usize;
    /// The items of this call.
    fn items(&self) -> &[Self::Item];
    /// The same operation (same path) for other items; used to split.
    fn with_items(&self, items: Vec<Self::Item>) -> Self;

    /// Whether one call can take these items: [`Error::NoItems`] for none
    /// (an empty call records nothing, and an empty list is seldom meant) and
    /// [`Error::TooManyItems`] for more than [`MAX_ITEMS`](Self::MAX_ITEMS).
    /// [`Client::send_batch`](crate::Client::send_batch) and
    /// [`build_batch_request`](crate::build_batch_request) check it before
    /// anything is sent.
    fn check_items(&self) -> Result<(), Error> {
        let got = self.items().len();
        if got == 0 {
            return Err(Error::NoItems {
                operation: self.name(),
            });
        }
        if got > Self::MAX_ITEMS {
            return Err(Error::TooManyItems {
                max: Self::MAX_ITEMS,
                got,
            });
        }
        Ok(())
    }
}

/// What became of one submitted item.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryStatus<R> {
    /// The service reported success for the item.
    Succeeded(R),
    /// The service reported an error for the item (see
    /// [`ItemResult::item_error`]).
    Failed(R),
    /// No result matched this item.
    Missing,
}

impl<R> EntryStatus<R> {
    /// The result, if one was paired.
    pub fn result(&self) -> Option<&R> {
        match self {
            EntryStatus::Succeeded(r) | EntryStatus::Failed(r) => Some(r),
            EntryStatus::Missing => None,
        }
    }

    /// Whether the item succeeded.
    pub fn is_success(&self) -> bool {
        matches!(self, EntryStatus::Succeeded(_))
    }
}

/// One submitted item and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchEntry<I, R> {
    /// Position of the item in what was submitted (for a split call, in the
    /// whole input).
    pub index: usize,
    /// The item.
    pub item: I,
    /// Its outcome.
    pub status: EntryStatus<R>,
}

impl<I, R> BatchEntry<I, R> {
    /// The per-item error of a failed entry.
    pub fn error(&self) -> Option<&R::Error>
    where
        R: ItemResult<I>,
    {
        match &self.status {
            EntryStatus::Failed(r) => r.item_error(),
            _ => None,
        }
    }
}

/// The outcome of one call of a [`BatchOperation`]: one entry per submitted
/// item, in submitted order. See the [module docs](self) for the pairing.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOutcome<I, R> {
    status: StatusCode,
    entries: Vec<BatchEntry<I, R>>,
    unmatched: Vec<R>,
}

impl<I, R: ItemResult<I>> BatchOutcome<I, R> {
    /// Pairs the submitted `items` with the `results` of a 2xx response.
    ///
    /// ```
    /// use graphgen_runtime::batch::{BatchOutcome, EntryStatus, ItemResult};
    ///
    /// #[derive(Debug, Clone, PartialEq)]
    /// struct Res { id: u32, error: Option<String> }
    /// impl ItemResult<u32> for Res {
    ///     type Error = String;
    ///     fn item_error(&self) -> Option<&String> { self.error.as_ref() }
    ///     fn echoes(&self, item: &u32) -> bool { self.id == *item }
    /// }
    ///
    /// let out = BatchOutcome::pair(
    ///     http::StatusCode::MULTI_STATUS,
    ///     vec![10, 20, 30],
    ///     vec![Res { id: 30, error: None }, Res { id: 10, error: Some("bad".into()) }],
    /// );
    /// assert!(out.is_partial());
    /// assert!(matches!(out.entries()[0].status, EntryStatus::Failed(_)));
    /// assert!(matches!(out.entries()[1].status, EntryStatus::Missing));
    /// assert!(matches!(out.entries()[2].status, EntryStatus::Succeeded(_)));
    /// // 20 got no result: it may have been recorded, so it is not resubmitted.
    /// assert_eq!(out.into_retry_items(), vec![10]);
    /// ```
    pub fn pair(status: StatusCode, items: Vec<I>, results: Vec<R>) -> Self {
        let positional =
            results.len() == items.len() && results.iter().zip(&items).all(|(r, i)| r.echoes(i));
        let mut unmatched = Vec::new();
        let entries = if positional {
            items
                .into_iter()
                .zip(results)
                .enumerate()
                .map(|(index, (item, r))| BatchEntry {
                    index,
                    item,
                    status: classify(r),
                })
                .collect()
        } else {
            let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
            for r in results {
                match items
                    .iter()
                    .zip(&slots)
                    .position(|(item, slot)| slot.is_none() && r.echoes(item))
                {
                    Some(i) => slots[i] = Some(r),
                    None => unmatched.push(r),
                }
            }
            items
                .into_iter()
                .zip(slots)
                .enumerate()
                .map(|(index, (item, slot))| BatchEntry {
                    index,
                    item,
                    status: slot.map_or(EntryStatus::Missing, classify),
                })
                .collect()
        };
        BatchOutcome {
            status,
            entries,
            unmatched,
        }
    }
}

fn classify<I, R: ItemResult<I>>(r: R) -> EntryStatus<R> {
    if r.item_error().is_some() {
        EntryStatus::Failed(r)
    } else {
        EntryStatus::Succeeded(r)
    }
}

impl<I, R> BatchOutcome<I, R> {
    /// The HTTP status of the response (200, 207, …).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Whether the service answered 207 Multi-Status (some items failed).
    pub fn is_partial(&self) -> bool {
        self.status == StatusCode::MULTI_STATUS
    }

    /// Every submitted item, in submitted order.
    pub fn entries(&self) -> &[BatchEntry<I, R>] {
        &self.entries
    }

    /// The entries, consuming the outcome.
    pub fn into_entries(self) -> Vec<BatchEntry<I, R>> {
        self.entries
    }

    /// Entries whose result reports success.
    pub fn succeeded(&self) -> impl Iterator<Item = &BatchEntry<I, R>> {
        self.entries.iter().filter(|e| e.status.is_success())
    }

    /// Entries whose result reports an error.
    pub fn failed(&self) -> impl Iterator<Item = &BatchEntry<I, R>> {
        self.entries
            .iter()
            .filter(|e| matches!(e.status, EntryStatus::Failed(_)))
    }

    /// Entries no result was paired with.
    pub fn missing(&self) -> impl Iterator<Item = &BatchEntry<I, R>> {
        self.entries
            .iter()
            .filter(|e| matches!(e.status, EntryStatus::Missing))
    }

    /// Results that echo no submitted item (or one already paired).
    pub fn unmatched_results(&self) -> &[R] {
        &self.unmatched
    }

    /// Whether every item succeeded and no result was left unmatched.
    pub fn is_complete_success(&self) -> bool {
        self.unmatched.is_empty() && self.entries.iter().all(|e| e.status.is_success())
    }

    /// The items to resubmit, in submitted order: those whose result reports
    /// an error, which the service did not record.
    ///
    /// [`Missing`](EntryStatus::Missing) items are left out: the service
    /// answered 2xx without a result for them, so they may have been recorded,
    /// and resubmitting could record them twice. See [`missing`](Self::missing).
    pub fn into_retry_items(self) -> Vec<I> {
        self.entries
            .into_iter()
            .filter(|e| matches!(e.status, EntryStatus::Failed(_)))
            .map(|e| e.item)
            .collect()
    }

    /// The same outcome with each entry's index moved by `by` (a call of a
    /// split send starting at input position `by`).
    pub(crate) fn offset(mut self, by: usize) -> Self {
        for e in &mut self.entries {
            e.index += by;
        }
        self
    }

    pub(crate) fn into_parts(self) -> (StatusCode, Vec<BatchEntry<I, R>>, Vec<R>) {
        (self.status, self.entries, self.unmatched)
    }
}

/// A call of a split batch that failed as a whole.
#[derive(Debug)]
pub struct FailedCall<I> {
    /// Why it failed.
    pub error: Error,
    /// Its items, with their positions in the whole input.
    pub items: Vec<(usize, I)>,
    /// Items of later calls that were not sent because this error would fail
    /// them too (see [`Client::send_batch_split`](crate::Client::send_batch_split));
    /// empty in the outcomes of a [`SplitSend`](crate::SplitSend) stream,
    /// which reports them as [`CallOutcome::NotSent`](crate::CallOutcome::NotSent).
    pub not_sent: Vec<(usize, I)>,
}

/// The merged outcome of [`Client::send_batch_split`](crate::Client::send_batch_split):
/// every input item appears exactly once, either in
/// [`entries`](Self::entries) (its call got a 2xx answer) or in one of
/// [`failed_calls`](Self::failed_calls).
#[derive(Debug)]
pub struct SplitOutcome<I, R> {
    pub(crate) entries: Vec<BatchEntry<I, R>>,
    pub(crate) unmatched: Vec<R>,
    pub(crate) statuses: Vec<StatusCode>,
    pub(crate) failed_calls: Vec<FailedCall<I>>,
    pub(crate) not_sent: Vec<(usize, I)>,
}

impl<I, R> SplitOutcome<I, R> {
    pub(crate) fn new() -> Self {
        SplitOutcome {
            entries: Vec::new(),
            unmatched: Vec::new(),
            statuses: Vec::new(),
            failed_calls: Vec::new(),
            not_sent: Vec::new(),
        }
    }

    pub(crate) fn add_outcome(&mut self, offset: usize, outcome: BatchOutcome<I, R>) {
        let (status, entries, unmatched) = outcome.into_parts();
        self.statuses.push(status);
        self.entries.extend(entries.into_iter().map(|mut e| {
            e.index += offset;
            e
        }));
        self.unmatched.extend(unmatched);
    }

    /// Items whose call got a 2xx answer, in input order, with their
    /// positions in the whole input.
    pub fn entries(&self) -> &[BatchEntry<I, R>] {
        &self.entries
    }

    /// Entries whose result reports success.
    pub fn succeeded(&self) -> impl Iterator<Item = &BatchEntry<I, R>> {
        self.entries.iter().filter(|e| e.status.is_success())
    }

    /// Entries whose result reports an error.
    pub fn failed(&self) -> impl Iterator<Item = &BatchEntry<I, R>> {
        self.entries
            .iter()
            .filter(|e| matches!(e.status, EntryStatus::Failed(_)))
    }

    /// Entries no result was paired with.
    pub fn missing(&self) -> impl Iterator<Item = &BatchEntry<I, R>> {
        self.entries
            .iter()
            .filter(|e| matches!(e.status, EntryStatus::Missing))
    }

    /// Results that matched no item of their call.
    pub fn unmatched_results(&self) -> &[R] {
        &self.unmatched
    }

    /// The HTTP status of each call that got a 2xx answer, in call order.
    pub fn statuses(&self) -> &[StatusCode] {
        &self.statuses
    }

    /// Whether some call answered 207 Multi-Status.
    pub fn is_partial(&self) -> bool {
        self.statuses.contains(&StatusCode::MULTI_STATUS)
    }

    /// Calls that failed as a whole, in call order.
    pub fn failed_calls(&self) -> &[FailedCall<I>] {
        &self.failed_calls
    }

    /// Items never sent because the send was stopped
    /// ([`SplitSend::stop`](crate::SplitSend::stop)) rather than by a failed
    /// call (those are in its [`not_sent`](FailedCall::not_sent)).
    pub fn not_sent(&self) -> &[(usize, I)] {
        &self.not_sent
    }

    /// Whether every call succeeded and every item in it.
    pub fn is_complete_success(&self) -> bool {
        self.failed_calls.is_empty()
            && self.not_sent.is_empty()
            && self.unmatched.is_empty()
            && self.entries.iter().all(|e| e.status.is_success())
    }

    /// The items to resubmit, in input order: every item the service
    /// certainly did not record — those whose result reports an error, those
    /// of calls refused or rejected before processing (see
    /// [`Error::certainly_not_processed`]), and those not sent.
    ///
    /// Items that may have been recorded are left out, so resubmitting never
    /// records an item twice: see [`unconfirmed`](Self::unconfirmed).
    pub fn into_retry_items(self) -> Vec<I> {
        let mut all: Vec<(usize, I)> = self
            .entries
            .into_iter()
            .filter(|e| matches!(e.status, EntryStatus::Failed(_)))
            .map(|e| (e.index, e.item))
            .collect();
        for call in self.failed_calls {
            if call.error.certainly_not_processed() {
                all.extend(call.items);
            }
            all.extend(call.not_sent);
        }
        all.extend(self.not_sent);
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, item)| item).collect()
    }

    /// Items whose fate is unknown, with their positions in the input: those
    /// that got no result in a 2xx answer, and those of calls that failed
    /// after the service may have acted on them (a 5xx other than 503, a
    /// timeout, a connection lost after sending, an unreadable 2xx body).
    /// Check before resubmitting them.
    pub fn unconfirmed(&self) -> Vec<(usize, &I)> {
        let mut out: Vec<(usize, &I)> = self.missing().map(|e| (e.index, &e.item)).collect();
        for call in self
            .failed_calls
            .iter()
            .filter(|c| !c.error.certainly_not_processed())
        {
            out.extend(call.items.iter().map(|(i, item)| (*i, item)));
        }
        out.sort_by_key(|(i, _)| *i);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Res {
        id: u32,
        error: Option<&'static str>,
    }

    impl ItemResult<u32> for Res {
        type Error = &'static str;
        fn item_error(&self) -> Option<&&'static str> {
            self.error.as_ref()
        }
        fn echoes(&self, item: &u32) -> bool {
            self.id == *item
        }
    }

    fn ok(id: u32) -> Res {
        Res { id, error: None }
    }

    fn bad(id: u32) -> Res {
        Res {
            id,
            error: Some("nope"),
        }
    }

    #[test]
    fn positional() {
        let o = BatchOutcome::pair(StatusCode::OK, vec![1, 2, 1], vec![ok(1), bad(2), ok(1)]);
        assert!(!o.is_partial());
        assert_eq!(o.succeeded().count(), 2);
        assert_eq!(o.failed().map(|e| e.index).collect::<Vec<_>>(), vec![1]);
        assert_eq!(o.failed().next().unwrap().error(), Some(&"nope"));
        assert!(!o.is_complete_success());
        assert_eq!(o.into_retry_items(), vec![2]);
    }

    #[test]
    fn reordered_duplicates_and_extras() {
        // Two identical items: each result takes the first unmatched one.
        let o = BatchOutcome::pair(
            StatusCode::MULTI_STATUS,
            vec![5, 7, 5],
            vec![bad(5), ok(9), ok(5)],
        );
        let st: Vec<_> = o.entries().iter().map(|e| e.status.clone()).collect();
        assert_eq!(
            st,
            vec![
                EntryStatus::Failed(bad(5)),
                EntryStatus::Missing,
                EntryStatus::Succeeded(ok(5))
            ]
        );
        assert_eq!(o.unmatched_results(), &[ok(9)]);
        assert_eq!(o.missing().count(), 1);
        assert!(!o.is_complete_success());
        assert_eq!(
            o.into_retry_items(),
            vec![5],
            "the missing 7 may have been recorded"
        );
    }

    #[test]
    fn empty_results_are_missing() {
        let o = BatchOutcome::<u32, Res>::pair(StatusCode::OK, vec![1, 2], vec![]);
        assert_eq!(o.missing().count(), 2);
        let o = BatchOutcome::<u32, Res>::pair(StatusCode::OK, vec![], vec![]);
        assert!(o.is_complete_success());
    }
}
