//! Long sends: many calls with bounded concurrency, as a stream of
//! outcomes (a split batch operation, or many independent requests).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{FuturesUnordered, StreamExt as _};
use tracing::Instrument as _;

use crate::batch::{BatchOperation, BatchOutcome, FailedCall, SplitOutcome};
use crate::transport::BoxFuture;
use crate::{Client, Error, Operation};

/// The concurrency the crate's docs suggest for long sends: a few calls at
/// a time keep a connector fast without provoking throttling.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// What became of one call of a split send ([`Client::send_batch_stream`]),
/// or of the items a stopped send never sent. Every input item is in
/// exactly one outcome, with its position in the whole input.
#[derive(Debug)]
pub enum CallOutcome<I, R> {
    /// The call got a 2xx answer (its entries' indices are positions in the
    /// whole input).
    Answered(BatchOutcome<I, R>),
    /// The call failed as a whole.
    Failed(FailedCall<I>),
    /// Items that were never sent: the send stopped, after an error that
    /// would fail every call or [`SplitSend::stop`]. Always the last outcome.
    NotSent(Vec<(usize, I)>),
}

impl<I, R> CallOutcome<I, R> {
    /// How many input items this outcome accounts for (for progress).
    pub fn item_count(&self) -> usize {
        match self {
            CallOutcome::Answered(o) => o.entries().len(),
            CallOutcome::Failed(c) => c.items.len(),
            CallOutcome::NotSent(items) => items.len(),
        }
    }
}

type Finished<B> = (
    usize,
    usize,
    Result<BatchOutcome<<B as BatchOperation>::Item, <B as BatchOperation>::Result>, Error>,
);

/// The stream of [`Client::send_batch_stream`]: one [`CallOutcome`] per
/// call, in the order the calls end, then the items not sent if it stopped.
///
/// At most `concurrency` calls are in flight; each is retried as the
/// client's [`RetryPolicy`](crate::RetryPolicy) says. After a call fails
/// with an error that would fail the others too (see
/// [`Client::send_batch_split`]), or after [`stop`](Self::stop), no new call
/// starts: the calls in flight end and are reported, then the rest comes as
/// one [`CallOutcome::NotSent`].
///
/// Dropping the stream cancels the calls in flight: the service may or may
/// not have acted on them. To know, call [`stop`](Self::stop) and read the
/// stream to its end.
#[must_use = "a stream does nothing unless polled"]
pub struct SplitSend<'a, B: BatchOperation> {
    client: Client,
    op: B,
    next: usize,
    concurrency: usize,
    in_flight: FuturesUnordered<BoxFuture<'a, Finished<B>>>,
    stopped: bool,
    span: tracing::Span,
}

// Nothing is pinned in place: the calls in flight are boxed.
impl<B: BatchOperation> Unpin for SplitSend<'_, B> {}

impl<B: BatchOperation> std::fmt::Debug for SplitSend<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SplitSend")
            .field("operation", &self.op.name())
            .field("next", &self.next)
            .field("in_flight", &self.in_flight.len())
            .field("stopped", &self.stopped)
            .finish_non_exhaustive()
    }
}

impl<'a, B> SplitSend<'a, B>
where
    B: BatchOperation + Send + 'a,
    B::Item: Clone + Send,
    B::Result: Send,
{
    pub(crate) fn new(client: &Client, op: B, concurrency: usize) -> Self {
        let total = op.items().len();
        let max = B::MAX_ITEMS.max(1);
        let concurrency = concurrency.max(1);
        let span = tracing::info_span!(
            "graph_split_send",
            operation = op.name(),
            items = total,
            calls = total.div_ceil(max),
            concurrency,
        );
        SplitSend {
            client: client.clone(),
            op,
            next: 0,
            concurrency,
            in_flight: FuturesUnordered::new(),
            stopped: false,
            span,
        }
    }

    /// Starts no further call; the calls in flight still end and are
    /// reported, then the items never sent.
    pub fn stop(&mut self) {
        if !self.stopped {
            tracing::info!(parent: &self.span, next_index = self.next, "split send stopped by the caller");
        }
        self.stopped = true;
    }

    /// The next outcome, `None` after the last: the stream read without
    /// `StreamExt`.
    pub async fn next_outcome(&mut self) -> Option<CallOutcome<B::Item, B::Result>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the stream to its end and merges the outcomes, in input order.
    pub async fn into_outcome(mut self) -> SplitOutcome<B::Item, B::Result> {
        let mut answered = Vec::new();
        let mut failed: Vec<FailedCall<B::Item>> = Vec::new();
        let mut not_sent = Vec::new();
        while let Some(outcome) = self.next().await {
            match outcome {
                CallOutcome::Answered(o) => answered.push(o),
                CallOutcome::Failed(c) => failed.push(c),
                CallOutcome::NotSent(items) => not_sent = items,
            }
        }
        let first = |items: &[(usize, B::Item)]| items.first().map_or(0, |(i, _)| *i);
        answered.sort_by_key(|o| o.entries().first().map_or(0, |e| e.index));
        failed.sort_by_key(|c| first(&c.items));
        let mut out = SplitOutcome::new();
        for o in answered {
            out.add_outcome(0, o);
        }
        if !not_sent.is_empty() {
            match failed.iter_mut().find(|c| stops_the_split(&c.error)) {
                Some(call) => call.not_sent = not_sent,
                None => out.not_sent = not_sent,
            }
        }
        out.failed_calls = failed;
        out
    }

    fn start(&mut self) {
        let items = self.op.items();
        let end = (self.next + B::MAX_ITEMS.max(1)).min(items.len());
        let offset = self.next;
        let call = self.op.with_items(items[offset..end].to_vec());
        self.next = end;
        let client = self.client.clone();
        let span = tracing::info_span!(
            parent: &self.span,
            "graph_split_call",
            first_index = offset,
            items = end - offset,
        );
        self.in_flight.push(Box::pin(
            async move { (offset, end, client.send_batch(call).await) }.instrument(span),
        ));
    }

    fn finished(&mut self, (offset, end, result): Finished<B>) -> CallOutcome<B::Item, B::Result> {
        match result {
            Ok(outcome) => CallOutcome::Answered(outcome.offset(offset)),
            Err(error) => {
                let stop = stops_the_split(&error);
                self.stopped |= stop;
                tracing::warn!(
                    parent: &self.span,
                    first_index = offset,
                    items = end - offset,
                    stop,
                    error = %error,
                    "a call of a split batch failed"
                );
                let items = (offset..end)
                    .zip(self.op.items()[offset..end].iter().cloned())
                    .collect();
                CallOutcome::Failed(FailedCall {
                    error,
                    items,
                    not_sent: Vec::new(),
                })
            }
        }
    }
}

impl<'a, B> Stream for SplitSend<'a, B>
where
    B: BatchOperation + Send + 'a,
    B::Item: Clone + Send,
    B::Result: Send,
{
    type Item = CallOutcome<B::Item, B::Result>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let total = this.op.items().len();
        while !this.stopped && this.in_flight.len() < this.concurrency && this.next < total {
            this.start();
        }
        match this.in_flight.poll_next_unpin(cx) {
            Poll::Ready(Some(done)) => Poll::Ready(Some(this.finished(done))),
            Poll::Ready(None) if this.next < total => {
                // Stopped with items left: they were never sent.
                let rest = (this.next..total)
                    .zip(this.op.items()[this.next..].iter().cloned())
                    .collect();
                this.next = total;
                Poll::Ready(Some(CallOutcome::NotSent(rest)))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Whether an error of one call would fail the later ones too (same path,
/// same token, no retry budget left).
pub(crate) fn stops_the_split(e: &Error) -> bool {
    match e {
        Error::Auth(_)
        | Error::NotAvailable { .. }
        | Error::Throttled { .. }
        | Error::InvalidKey { .. }
        | Error::InvalidBaseUrl { .. }
        | Error::InvalidRequest(_) => true,
        Error::Service(s) => matches!(s.status.as_u16(), 401 | 403 | 404),
        _ => false,
    }
}

impl Client {
    /// Sends any number of items as calls of at most
    /// [`MAX_ITEMS`](BatchOperation::MAX_ITEMS) each, at most `concurrency`
    /// at a time (0 counts as 1; [`DEFAULT_CONCURRENCY`] is a good start),
    /// as a stream of per-call outcomes: see [`SplitSend`].
    ///
    /// ```no_run
    /// # use graphgen_runtime::{BatchOperation, Client, CallOutcome, DEFAULT_CONCURRENCY};
    /// # async fn f<B>(client: &Client, op: B)
    /// # where B: BatchOperation + Send + 'static, B::Item: Clone + Send, B::Result: Send {
    /// use futures_util::StreamExt as _;
    ///
    /// let total = op.items().len();
    /// let mut done = 0;
    /// let mut calls = client.send_batch_stream(op, DEFAULT_CONCURRENCY);
    /// while let Some(outcome) = calls.next().await {
    ///     done += outcome.item_count();
    ///     eprintln!("{done}/{total}");
    ///     if let CallOutcome::Failed(call) = &outcome {
    ///         eprintln!("{} items failed: {}", call.items.len(), call.error);
    ///     }
    /// }
    /// # }
    /// ```
    pub fn send_batch_stream<'a, B>(&self, op: B, concurrency: usize) -> SplitSend<'a, B>
    where
        B: BatchOperation + Send + 'a,
        B::Item: Clone + Send,
        B::Result: Send,
    {
        SplitSend::new(self, op, concurrency)
    }

    /// Sends any number of items as consecutive calls of at most
    /// [`MAX_ITEMS`](BatchOperation::MAX_ITEMS) each, one at a time, and
    /// merges the outcomes: every item appears exactly once, with its index
    /// in the whole input, either in [`SplitOutcome::entries`] or in a
    /// [`FailedCall`]. For calls at once, or to show progress, use
    /// [`send_batch_stream`](Self::send_batch_stream) (and
    /// [`SplitSend::into_outcome`]).
    ///
    /// After a call fails as a whole, the next calls are still sent, unless
    /// the error would fail them too: [`Error::Auth`],
    /// [`Error::NotAvailable`], [`Error::Throttled`] (the budget is spent),
    /// an invalid path or base URL, or a 401/403/404 answer (same path, same
    /// token). Their items are then in that call's
    /// [`not_sent`](FailedCall::not_sent).
    ///
    /// No input yields no call and an empty outcome.
    pub async fn send_batch_split<B>(&self, op: B) -> SplitOutcome<B::Item, B::Result>
    where
        B: BatchOperation + Send,
        B::Item: Clone + Send,
        B::Result: Send,
    {
        self.send_batch_stream(op, 1).into_outcome().await
    }

    /// Sends independent requests, at most `concurrency` at a time (0 counts
    /// as 1), each as [`send`](Self::send) does (retries included), as a
    /// stream of `(index in requests, result)` in the order they end.
    /// Dropping the stream starts no further request and cancels those in
    /// flight (the service may or may not have acted on them).
    ///
    /// A [`ResourceRequest`](crate::ResourceRequest) that adds a reference
    /// by key needs its [`service_root`](crate::ResourceRequest::service_root)
    /// set first.
    ///
    /// ```no_run
    /// # use graphgen_runtime::{Client, Operation, DEFAULT_CONCURRENCY};
    /// # async fn f<O: Operation + Send + 'static>(client: &Client, puts: Vec<O>) where O::Output: Send {
    /// use futures_util::StreamExt as _;
    ///
    /// let mut results = client.send_all(puts, DEFAULT_CONCURRENCY);
    /// while let Some((index, result)) = results.next().await {
    ///     if let Err(e) = result {
    ///         eprintln!("item {index}: {e}");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn send_all<'a, O, I>(
        &self,
        requests: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<O::Output, Error>)> + Send + 'a
    where
        I: IntoIterator<Item = O>,
        I::IntoIter: Send + 'a,
        O: Operation + Send + 'a,
        O::Output: Send + 'a,
    {
        let concurrency = concurrency.max(1);
        let parent = tracing::info_span!("graph_send_all", concurrency);
        let client = self.clone();
        futures_util::stream::iter(requests.into_iter().enumerate())
            .map(move |(index, op)| {
                let client = client.clone();
                let span = tracing::info_span!(parent: &parent, "graph_send_all_item", index);
                async move { (index, client.send(op).await) }.instrument(span)
            })
            .buffer_unordered(concurrency)
    }
}
