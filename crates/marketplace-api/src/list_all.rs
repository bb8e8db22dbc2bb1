//! List-all: the first page tells the total, the other pages are fetched concurrently
//! (bounded), and the pages are delivered in order as a stream the caller can show progress
//! from.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::client::Client;
use crate::error::{Error, ErrorKind};
use crate::models::{ListItem, Page};
use crate::rql::Query;

/// Pages as they are fetched: their items and the total the server announced.
type PageStream<T> = BoxStream<'static, Result<(Vec<T>, Option<u64>), Error>>;

/// One page of a list-all, with how far along the whole list is.
#[derive(Clone, Debug)]
pub struct ListProgress<T> {
    /// This page's items, in order.
    pub items: Vec<T>,
    /// Items delivered so far, this page included.
    pub fetched: u64,
    /// Items expected in all, when the server said.
    pub total: Option<u64>,
}

/// Collects a list-all stream into one vector, stopping at the first error.
pub async fn collect_all<T>(
    stream: impl futures::Stream<Item = Result<ListProgress<T>, Error>>,
) -> Result<Vec<T>, Error> {
    stream
        .try_fold(Vec::new(), |mut all, progress| async move {
            all.extend(progress.items);
            Ok(all)
        })
        .await
}

impl Client {
    /// Every item of `path` matching `query`, as a stream of pages in order.
    ///
    /// The query's own `limit` and `offset` are replaced by the paging; without an `order`
    /// the items are ordered by `id`, because offset paging needs a stable order.
    pub(crate) fn list_all<T>(
        &self,
        path: &'static str,
        query: Query,
    ) -> BoxStream<'static, Result<ListProgress<T>, Error>>
    where
        T: ListItem + Send + 'static,
    {
        let client = self.clone();
        let query = if query.order_keys().is_empty() { query.order_by("id") } else { query };
        let page_size = self.page_size();
        let pages = stream::once(async move {
            let first: Page<T> = client.get_page(path, &query.clone().limit(page_size).offset(0)).await?;
            let total = first.total;
            // Step by the page size the server applied, in case it caps lower than we asked.
            let step = match first.limit {
                applied @ 1..=99 if applied < u64::from(page_size) => applied,
                _ => u64::from(page_size),
            };
            let first_len = first.items.len() as u64;
            let head = stream::once(async move { Ok((first.items, total)) });
            let rest = match total {
                // A short first page is the whole list, whatever the total claims.
                _ if first_len < step => stream::empty().boxed(),
                Some(total) => client.fetch_pages_concurrently(path, query, step, total),
                None => client.fetch_pages_until_short(path, query, step),
            };
            Ok::<_, Error>(head.chain(rest))
        })
        .try_flatten();
        with_progress(pages)
    }

    fn fetch_pages_concurrently<T>(&self, path: &'static str, query: Query, step: u64, total: u64) -> PageStream<T>
    where
        T: ListItem + Send + 'static,
    {
        let client = self.clone();
        let concurrency = self.list_concurrency();
        let offsets = (1..).map(move |page| page * step).take_while(move |offset| *offset < total);
        let pages = stream::iter(offsets)
            .map(move |offset| {
                let client = client.clone();
                let query = query.clone();
                async move {
                    let page = client.fetch_page::<T>(path, query, step, offset).await?;
                    Ok((page.items, Some(total)))
                }
            })
            // `buffered` (not `buffer_unordered`) keeps the pages in offset order.
            .buffered(concurrency);
        end_at_first_short_page(pages, step)
    }

    /// Without a total, pages are read one after the other until a short one.
    fn fetch_pages_until_short<T>(&self, path: &'static str, query: Query, step: u64) -> PageStream<T>
    where
        T: ListItem + Send + 'static,
    {
        let client = self.clone();
        stream::try_unfold(Some(step), move |next_offset| {
            let client = client.clone();
            let query = query.clone();
            async move {
                let Some(offset) = next_offset else {
                    return Ok(None);
                };
                let page = client.fetch_page::<T>(path, query, step, offset).await?;
                let next = (page.items.len() as u64 >= step).then_some(offset + step);
                if page.items.is_empty() {
                    return Ok(None);
                }
                Ok(Some(((page.items, None), next)))
            }
        })
        .boxed()
    }

    async fn fetch_page<T: ListItem>(
        &self,
        path: &'static str,
        query: Query,
        step: u64,
        offset: u64,
    ) -> Result<Page<T>, Error> {
        let (Ok(limit), Ok(offset)) = (u32::try_from(step), u32::try_from(offset)) else {
            return Err(Error::new(ErrorKind::Undecodable, "The list is too long to page through."));
        };
        self.get_page(path, &query.limit(limit).offset(offset)).await
    }
}

/// Counts what has been delivered, and ends the stream after the first error.
fn with_progress<T: Send + 'static>(
    pages: impl futures::Stream<Item = Result<(Vec<T>, Option<u64>), Error>> + Send + 'static,
) -> BoxStream<'static, Result<ListProgress<T>, Error>> {
    pages
        .scan((0u64, false), |(fetched, failed), page| {
            if *failed {
                return futures::future::ready(None);
            }
            let item = match page {
                Ok((items, total)) => {
                    *fetched += items.len() as u64;
                    Ok(ListProgress { items, fetched: *fetched, total })
                }
                Err(error) => {
                    *failed = true;
                    Err(error)
                }
            };
            futures::future::ready(Some(item))
        })
        .boxed()
}

/// Ends `pages` after the first page shorter than `step`: the list is over there, whatever
/// total the server announced. A server that announces more than it serves must not make
/// the client ask for millions of empty pages; pages still in flight are dropped.
fn end_at_first_short_page<T, S>(pages: S, step: u64) -> PageStream<T>
where
    T: Send + 'static,
    S: futures::Stream<Item = Result<(Vec<T>, Option<u64>), Error>> + Send + 'static,
{
    pages
        .scan(false, move |ended, page| {
            if *ended {
                return futures::future::ready(None);
            }
            if let Ok((items, _)) = &page {
                *ended = (items.len() as u64) < step;
            }
            futures::future::ready(Some(page))
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_list_ends_at_the_first_short_page_whatever_the_total_says() {
        let claimed = Some(4_000_000_000);
        let pages = stream::iter(vec![
            Ok((vec![1, 2], claimed)),
            Ok((vec![3], claimed)),
            Ok((vec![], claimed)),
            Ok((vec![4, 5], claimed)),
        ]);
        let delivered: Vec<Vec<i32>> =
            end_at_first_short_page(pages, 2).map(|page| page.expect("no error").0).collect().await;
        assert_eq!(delivered, vec![vec![1, 2], vec![3]]);
    }
}
