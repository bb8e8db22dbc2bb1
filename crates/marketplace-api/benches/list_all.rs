//! List-all of 10,000 tokens against the simulator (real TLS, 5 ms added to every request,
//! then 50 ms): pages fetched concurrently vs one page at a time. Prints both times and the
//! ratio, after the simulator's own cost of one page, which bounds what concurrency can gain
//! on a 2-core machine where the simulator and the client share the CPU.
//!
//! Run with `cargo bench -p marketplace-api`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark states its expectations by panicking"
)]
#![allow(clippy::print_stdout, reason = "a benchmark prints its table")]

use std::time::{Duration, Instant};

use marketplace_api::rql::{Filter, Query};
use marketplace_api::{ApiSecret, Client, ClientConfig, collect_all};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig};

const TOKENS: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(5);
const CONCURRENCY: usize = 8;
const ROUNDS: usize = 5;
/// A realistic round trip to the platform from a desktop, for a second, latency-bound figure.
const WAN_LATENCY: Duration = Duration::from_millis(50);

fn client(sim: &marketplace_sim::SimHandle, list_concurrency: usize) -> Client {
    let mut config = ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(AccountKind::Operations)))
        .with_extra_ca_pem(sim.ca_pem());
    config.list_concurrency = list_concurrency;
    Client::new(config).expect("the client builds")
}

/// The median of `rounds` list-alls (after one warm-up that also opens the connections).
async fn time_list_all(client: &Client, query: &Query, rounds: usize) -> Duration {
    let mut times = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        let started = Instant::now();
        let tokens = collect_all(client.list_all_tokens(query.clone())).await.expect("list-all");
        let elapsed = started.elapsed();
        assert_eq!(tokens.len(), TOKENS + 1, "10,000 tokens and the admin token");
        if round > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    times[times.len() / 2]
}

/// The median time of one page request, to tell the simulator's own cost per request.
async fn time_one_page(client: &Client, query: &Query) -> Duration {
    let mut times = Vec::new();
    for _ in 0..21 {
        let started = Instant::now();
        client.list_tokens(query).await.expect("one page");
        times.push(started.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let small = marketplace_sim::start(SimConfig { tokens_per_account: 5, ..SimConfig::default() })
            .await
            .expect("the simulator starts");
        let small_time = time_one_page(&client(&small, 1), &Query::new()).await;
        println!(
            "one page from a simulator of 18 tokens, no added latency: {:.2} ms",
            small_time.as_secs_f64() * 1000.0
        );
        small.stop().await;
        let sim = marketplace_sim::start(SimConfig { tokens_per_account: TOKENS, ..SimConfig::default() })
            .await
            .expect("the simulator starts");
        let query = Query::new().filter(Filter::eq("account.id", sim.account_id(AccountKind::Vendor)));

        let probe = client(&sim, 1);
        let no_latency = time_one_page(&probe, &Query::new().limit(100).offset(5000)).await;
        println!(
            "one page from a simulator of 30,003 tokens, no added latency: {:.2} ms",
            no_latency.as_secs_f64() * 1000.0
        );
        sim.faults().add(FaultRule {
            method: None,
            path: None,
            action: FaultAction::Latency(LATENCY),
            when: FaultWhen::Always,
        });
        let page = Query::new().limit(100).offset(5000);
        let probes = [
            ("no filter, no order", page.clone()),
            ("order=id", page.clone().order_by("id")),
            ("eq(account.id), order=id", query.clone().order_by("id").limit(100).offset(5000)),
        ];
        println!("one page of 100 (median of 21 requests, {LATENCY:?} added):");
        for (label, page_query) in &probes {
            let elapsed = time_one_page(&probe, page_query).await;
            println!("  {label:<28} {:>8.1} ms", elapsed.as_secs_f64() * 1000.0);
        }

        for (latency, rounds) in [(LATENCY, ROUNDS), (WAN_LATENCY, 3)] {
            sim.faults().clear();
            sim.faults().add(FaultRule {
                method: None,
                path: None,
                action: FaultAction::Latency(latency),
                when: FaultWhen::Always,
            });
            let one_at_a_time = time_list_all(&client(&sim, 1), &query, rounds).await;
            let concurrent = time_list_all(&client(&sim, CONCURRENCY), &query, rounds).await;
            let ratio = one_at_a_time.as_secs_f64() / concurrent.as_secs_f64();
            println!("list-all of {TOKENS} tokens (+1 admin token), 101 pages of 100, {latency:?} added per request,");
            println!("median of {rounds} runs each, simulator in-process over TLS:");
            println!("  one page at a time        {:>8.1} ms", one_at_a_time.as_secs_f64() * 1000.0);
            println!("  concurrent ({CONCURRENCY} in flight)  {:>8.1} ms", concurrent.as_secs_f64() * 1000.0);
            println!("  ratio                     {ratio:>8.2}x");
        }
        sim.stop().await;
    });
}
