//! List-all of 10,000 tokens against the simulator (real TLS, 5 ms added to every request):
//! pages fetched concurrently vs one page at a time. Prints both times and the ratio.
//!
//! Run with `cargo bench -p marketplace-api`.

use std::time::{Duration, Instant};

use marketplace_api::rql::{Filter, Query};
use marketplace_api::{ApiSecret, Client, ClientConfig, collect_all};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig};

const TOKENS: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(5);
const CONCURRENCY: usize = 8;
const ROUNDS: usize = 5;

fn client(sim: &marketplace_sim::SimHandle, list_concurrency: usize) -> Client {
    let mut config = ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(AccountKind::Operations)))
        .with_extra_ca_pem(sim.ca_pem());
    config.list_concurrency = list_concurrency;
    Client::new(config).expect("the client builds")
}

/// The median of `ROUNDS` list-alls (after one warm-up that also opens the connections).
async fn time_list_all(client: &Client, query: &Query) -> Duration {
    let mut times = Vec::with_capacity(ROUNDS);
    for round in 0..=ROUNDS {
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

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let sim = marketplace_sim::start(SimConfig { tokens_per_account: TOKENS, ..SimConfig::default() })
            .await
            .expect("the simulator starts");
        sim.faults().add(FaultRule {
            method: None,
            path: None,
            action: FaultAction::Latency(LATENCY),
            when: FaultWhen::Always,
        });
        let query = Query::new().filter(Filter::eq("account.id", sim.account_id(AccountKind::Vendor)));

        let one_at_a_time = time_list_all(&client(&sim, 1), &query).await;
        let concurrent = time_list_all(&client(&sim, CONCURRENCY), &query).await;
        let ratio = one_at_a_time.as_secs_f64() / concurrent.as_secs_f64();

        println!("list-all of {TOKENS} tokens (+1 admin token), 101 pages of 100, {LATENCY:?} added per request,");
        println!("median of {ROUNDS} runs each, simulator in-process over TLS:");
        println!("  one page at a time        {:>8.1} ms", one_at_a_time.as_secs_f64() * 1000.0);
        println!("  concurrent ({CONCURRENCY} in flight)  {:>8.1} ms", concurrent.as_secs_f64() * 1000.0);
        println!("  ratio                     {ratio:>8.2}x");
        sim.stop().await;
    });
}
