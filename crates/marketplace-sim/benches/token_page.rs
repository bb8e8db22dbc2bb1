//! A filtered, ordered 100-token page over loopback TLS, at several collection sizes.
//!
//! `cargo bench -p marketplace-sim` prints median and p95 per size, and the median per
//! 1,000 tokens: a flat figure means the cost grows linearly with the collection.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark states its expectations by panicking"
)]
#![allow(clippy::print_stdout, reason = "a benchmark prints its table")]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use marketplace_sim::{AccountKind, SimConfig};

const QUERY: &str =
    "/public/v1/accounts/api-tokens?ne(status,Deleted)&ilike(name,*r*)&order=-name,id&select=audit&limit=100&offset=0";

/// Just enough of the envelope to count the items; the rest is checked for syntax only.
#[derive(serde::Deserialize)]
struct Page {
    data: Vec<serde::de::IgnoredAny>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn measure(total_tokens: usize, rounds: usize) -> (Duration, Duration) {
    // Three accounts plus their admin tokens: ~total_tokens in all, all visible to operations.
    let config = SimConfig { tokens_per_account: total_tokens / 3, ..SimConfig::default() };
    let sim = common::Sim::with(config).await;
    let secret = sim.secret(AccountKind::Operations);
    let url = sim.url(QUERY);
    let fetch = || async {
        let response = sim.client.get(&url).bearer_auth(&secret).send().await.expect("answer");
        assert!(response.status().is_success(), "{}", response.status());
        // The whole body is read and checked as JSON, without building a document tree:
        // the figure is the simulator's, not the client's allocator.
        let bytes = response.bytes().await.expect("body");
        let page: Page = serde_json::from_slice(&bytes).expect("JSON page");
        assert_eq!(page.data.len(), 100, "a full page");
    };
    for _ in 0..5 {
        fetch().await; // warm up the connection and caches
    }
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        fetch().await;
        samples.push(started.elapsed());
    }
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.95))
}

#[tokio::main]
async fn main() {
    println!("filtered, ordered 100-token page over loopback TLS");
    println!("query: {QUERY}");
    println!("{:>8} {:>12} {:>12} {:>18}", "tokens", "median ms", "p95 ms", "median ms / 1k");
    // MARKETPLACE_SIM_BENCH_SIZES=10000,40000 measures only those sizes (for profiling).
    let sizes: Vec<usize> = std::env::var("MARKETPLACE_SIM_BENCH_SIZES")
        .ok()
        .map(|list| list.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 20_000, 40_000, 80_000]);
    for tokens in sizes {
        let rounds = (200_000 / tokens).clamp(20, 200);
        let (median, p95) = measure(tokens, rounds).await;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!("{tokens:>8} {:>12.2} {:>12.2} {:>18.3}", ms(median), ms(p95), ms(median) / (tokens as f64 / 1000.0));
    }
}
