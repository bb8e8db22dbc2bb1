//! Joins a list's pages into fewer, larger batches on their way to the window.
//!
//! The platform pages its lists (a hundred tokens or fewer a page), and eight
//! pages are in flight at once. Each batch that reaches the page is a message
//! it fetches, parses and appends; at 100,000 tokens, a thousand of them left
//! the page's memory 16 MB larger than a hundred did. The first page still
//! goes alone, so the first rows paint as soon as they arrive, and no page
//! waits longer than a tenth of a second, so the progress bar keeps moving.

use std::collections::HashSet;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;

use crate::tokens::views::ViewBatch;

/// How many tokens a batch gathers before it goes (a page more, at most).
pub(crate) const JOINED_TOKENS: usize = 1_000;

/// The longest a page is held back for others to join it.
pub(crate) const LONGEST_HOLD: Duration = Duration::from_millis(100);

/// Holds pages until enough have gathered, or the first of them has waited long enough.
#[derive(Default)]
pub(crate) struct BatchJoiner {
    held: Option<(ViewBatch, Instant)>,
    sent_any: bool,
}

impl BatchJoiner {
    /// Takes the next page, arrived `now`; returns the batch to send now, if one is due.
    pub(crate) fn add(&mut self, page: ViewBatch, now: Instant) -> Option<ViewBatch> {
        if !self.sent_any {
            self.sent_any = true;
            return Some(page);
        }
        let (held, since) = match self.held.take() {
            Some((mut held, since)) => {
                held.items.extend(page.items);
                held.fetched = page.fetched;
                held.total = page.total;
                (held, since)
            }
            None => (page, now),
        };
        if held.items.len() >= JOINED_TOKENS || now >= since + LONGEST_HOLD {
            return Some(held);
        }
        self.held = Some((held, since));
        None
    }

    /// When the held pages must go even if no other page arrives; `None` when nothing is held.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.held.as_ref().map(|(_, since)| *since + LONGEST_HOLD)
    }

    /// Whatever is held (the list ended, failed, or the deadline passed).
    pub(crate) fn take(&mut self) -> Option<ViewBatch> {
        self.held.take().map(|(held, _)| held)
    }
}

/// Lets each token through once over a whole list. Offset paging over a list
/// that changes meanwhile can show a token on two pages: one created earlier
/// in the order pushes the rest down by one, and the last token of a page is
/// also the first of the next. The window, the remembered list and the
/// palette then get it once, and the page keeps no set of every id it shows.
#[derive(Default)]
pub(crate) struct OncePerId {
    seen: HashSet<String>,
    passed: u32,
}

impl OncePerId {
    /// `page` without the tokens an earlier page already had; its count
    /// becomes the tokens let through so far.
    pub(crate) fn pass(&mut self, mut page: ViewBatch) -> ViewBatch {
        page.items.retain(|token| self.seen.insert(token.id.clone()));
        self.passed = self.passed.saturating_add(u32::try_from(page.items.len()).unwrap_or(u32::MAX));
        page.fetched = self.passed;
        page
    }
}

/// Hands `pages` to `on_batch` joined, in order, as they arrive: a held batch
/// goes at its deadline even while the next page is slow, and whatever is held
/// goes before a failure is returned. Returns the last page's running count.
pub(crate) async fn deliver_joined<E>(
    mut pages: impl Stream<Item = Result<ViewBatch, E>> + Unpin,
    mut on_batch: impl FnMut(ViewBatch),
) -> Result<u32, E> {
    let mut joiner = BatchJoiner::default();
    let mut delivered = 0u32;
    loop {
        let next = match joiner.deadline() {
            None => pages.next().await,
            // A stream's `next` can be dropped and called again: no page is lost.
            Some(deadline) => tokio::select! {
                page = pages.next() => page,
                () = tokio::time::sleep_until(deadline) => {
                    if let Some(batch) = joiner.take() {
                        on_batch(batch);
                    }
                    continue;
                }
            },
        };
        let Some(page) = next else { break };
        let page = match page {
            Ok(page) => page,
            Err(error) => {
                // What arrived before the failure is shown with it.
                if let Some(batch) = joiner.take() {
                    on_batch(batch);
                }
                return Err(error);
            }
        };
        delivered = page.fetched;
        if let Some(batch) = joiner.add(page, Instant::now()) {
            on_batch(batch);
        }
    }
    if let Some(batch) = joiner.take() {
        on_batch(batch);
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::views::TokenView;

    fn page(first: usize, count: usize, total: usize) -> ViewBatch {
        let items = (first..first + count)
            .map(|n| TokenView {
                id: format!("TKN-0000-{n:04}"),
                name: format!("Token {n}"),
                description: None,
                status: "Active".to_owned(),
                last_access_at: None,
                account: None,
                modules: None,
                created: None,
                updated: None,
            })
            .collect();
        ViewBatch { items, fetched: (first + count) as u32, total: Some(total as u32) }
    }

    fn ids(batch: &ViewBatch) -> (String, String, usize, u32) {
        let first = batch.items.first().map(|token| token.id.clone()).unwrap_or_default();
        let last = batch.items.last().map(|token| token.id.clone()).unwrap_or_default();
        (first, last, batch.items.len(), batch.fetched)
    }

    #[test]
    fn the_first_page_goes_alone_then_pages_gather_to_a_thousand_in_order() {
        let start = Instant::now();
        let mut joiner = BatchJoiner::default();
        let first = joiner.add(page(0, 100, 2_500), start).map(|batch| ids(&batch));
        assert_eq!(first, Some(("TKN-0000-0000".into(), "TKN-0000-0099".into(), 100, 100)));
        let mut sent = Vec::new();
        for n in 1..25 {
            if let Some(batch) = joiner.add(page(n * 100, 100, 2_500), start) {
                sent.push(ids(&batch));
            }
        }
        assert_eq!(
            sent,
            [
                ("TKN-0000-0100".into(), "TKN-0000-1099".into(), 1_000, 1_100),
                ("TKN-0000-1100".into(), "TKN-0000-2099".into(), 1_000, 2_100),
            ]
        );
        assert_eq!(joiner.deadline(), Some(start + LONGEST_HOLD));
        let rest = joiner.take().map(|batch| ids(&batch));
        assert_eq!(rest, Some(("TKN-0000-2100".into(), "TKN-0000-2499".into(), 400, 2_500)));
        assert_eq!((joiner.deadline(), joiner.take().is_none()), (None, true));
    }

    #[test]
    fn a_page_held_a_tenth_of_a_second_goes_with_the_next_or_at_its_deadline() {
        let start = Instant::now();
        let mut joiner = BatchJoiner::default();
        assert!(joiner.add(page(0, 100, 10_000), start).is_some());
        assert!(joiner.add(page(100, 100, 10_000), start).is_none());
        // The next page, late: both go at once.
        let late = joiner.add(page(200, 100, 10_000), start + LONGEST_HOLD).map(|batch| ids(&batch));
        assert_eq!(late, Some(("TKN-0000-0100".into(), "TKN-0000-0299".into(), 200, 300)));
        // No page comes: the deadline says when the held one must go anyway.
        assert!(joiner.add(page(300, 100, 10_000), start + LONGEST_HOLD * 2).is_none());
        assert_eq!(joiner.deadline(), Some(start + LONGEST_HOLD * 3));
    }

    /// Pages that arrive after the given pauses (in paused time), then maybe a failure.
    fn arriving(
        pauses: Vec<(u64, Result<ViewBatch, &'static str>)>,
    ) -> impl Stream<Item = Result<ViewBatch, &'static str>> + Unpin {
        Box::pin(futures::stream::iter(pauses).then(|(pause, page)| async move {
            tokio::time::sleep(Duration::from_millis(pause)).await;
            page
        }))
    }

    #[tokio::test(start_paused = true)]
    async fn a_held_page_goes_at_its_deadline_while_the_next_is_slow() {
        let start = Instant::now();
        let pages = arriving(vec![
            (0, Ok(page(0, 100, 400))),
            (10, Ok(page(100, 100, 400))),
            (2_000, Ok(page(200, 100, 400))),
            (10, Ok(page(300, 100, 400))),
        ]);
        let mut sent = Vec::new();
        let delivered = deliver_joined(pages, |batch| sent.push((start.elapsed().as_millis(), ids(&batch)))).await;
        assert_eq!(delivered, Ok(400));
        assert_eq!(
            sent,
            [
                (0, ("TKN-0000-0000".into(), "TKN-0000-0099".into(), 100, 100)),
                // Held at 10 ms, sent at its deadline, not behind the slow page.
                (110, ("TKN-0000-0100".into(), "TKN-0000-0199".into(), 100, 200)),
                // The last two, joined at the end of the list.
                (2_020, ("TKN-0000-0200".into(), "TKN-0000-0399".into(), 200, 400)),
            ]
        );
    }

    #[test]
    fn a_token_on_two_pages_goes_once_and_is_counted_once() {
        let mut once = OncePerId::default();
        let first = once.pass(page(0, 100, 250));
        // The list shifted by one between the requests: token 99 is on both pages.
        let second = once.pass(page(99, 100, 250));
        let third = once.pass(page(199, 51, 250));
        assert_eq!(ids(&first), ("TKN-0000-0000".into(), "TKN-0000-0099".into(), 100, 100));
        assert_eq!(ids(&second), ("TKN-0000-0100".into(), "TKN-0000-0198".into(), 99, 199));
        assert_eq!(ids(&third), ("TKN-0000-0199".into(), "TKN-0000-0249".into(), 51, 250));
    }

    #[tokio::test(start_paused = true)]
    async fn what_arrived_before_a_failure_is_delivered_with_it() {
        let pages = arriving(vec![(0, Ok(page(0, 100, 400))), (10, Ok(page(100, 100, 400))), (10, Err("refused"))]);
        let mut sent = Vec::new();
        let delivered = deliver_joined(pages, |batch| sent.push(ids(&batch))).await;
        assert_eq!(delivered, Err("refused"));
        assert_eq!(sent.iter().map(|(_, _, count, _)| count).sum::<usize>(), 200, "{sent:?}");
    }
}
