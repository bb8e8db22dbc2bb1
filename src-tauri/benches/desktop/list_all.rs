//! List-all of 10,000 tokens through the real client over TLS, with 5 ms and
//! then 50 ms added to every request: pages fetched concurrently against one
//! page at a time, and against the latency floor, ⌈pages ÷ in flight⌉ round
//! trips of one page (measured alone, at the same latency, in the same run).

use std::time::{Duration, Instant};

use marketplace_api::rql::{Filter, Query};
use marketplace_api::{ApiSecret, Client, ClientConfig, collect_all};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig, SimHandle};

use crate::table::{Figure, Line};

const TOKENS: usize = 10_000;
const IN_FLIGHT: usize = 8;
const PAGE: u64 = 100;

fn client(sim: &SimHandle, list_concurrency: usize) -> Client {
    let mut config = ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(AccountKind::Operations)))
        .with_extra_ca_pem(sim.ca_pem());
    config.list_concurrency = list_concurrency;
    Client::new(config).expect("the client builds")
}

/// Milliseconds of each of `rounds` list-alls, after one warm-up that opens the connections.
async fn list_alls(client: &Client, query: &Query, rounds: usize) -> Vec<f64> {
    let mut times = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        let started = Instant::now();
        let tokens = collect_all(client.list_all_tokens(query.clone())).await.expect("list-all");
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(tokens.len(), TOKENS + 1, "10,000 tokens and the admin token");
        if round > 0 {
            times.push(elapsed);
        }
    }
    times
}

/// Milliseconds of single page requests, one at a time: the round trip.
async fn round_trips(client: &Client, query: &Query) -> Vec<f64> {
    let mut times = Vec::new();
    for page in 0..21 {
        let started = Instant::now();
        client.list_tokens(&query.clone().limit(PAGE as u32).offset((page * 450) as u32)).await.expect("one page");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times
}

/// The table's lines for list-all, at each added latency.
pub async fn lines() -> Vec<Line> {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: TOKENS, ..SimConfig::default() })
        .await
        .expect("the simulator starts");
    // As the app lists a connection's tokens: its account's, in id order.
    let query = Query::new().filter(Filter::eq("account.id", sim.account_id(AccountKind::Vendor))).order_by("id");
    let pages = (TOKENS as u64 + 1).div_ceil(PAGE);
    let waves = pages.div_ceil(IN_FLIGHT as u64) as f64;
    let mut lines = Vec::new();
    for (latency, rounds) in [(Duration::from_millis(5), 7), (Duration::from_millis(50), 5)] {
        sim.faults().clear();
        sim.faults().add(FaultRule {
            method: None,
            path: None,
            action: FaultAction::Latency(latency),
            when: FaultWhen::Always,
        });
        let ms = latency.as_millis();
        let round_trip = Figure::of(&round_trips(&client(&sim, 1), &query).await, "ms");
        let one_at_a_time = Figure::of(&list_alls(&client(&sim, 1), &query, rounds).await, "ms");
        let concurrent = Figure::of(&list_alls(&client(&sim, IN_FLIGHT), &query, rounds).await, "ms");
        let floor = Figure::exact(waves * round_trip.median, "ms");
        let speedup = one_at_a_time.median / concurrent.median;
        let over_floor = concurrent.median / floor.median;
        let setting = format!("+{ms} ms per request, {pages} pages, {IN_FLIGHT} in flight");
        lines.push(Line::info("List-all 10,000: one page at a time", setting.clone(), one_at_a_time.clone()));
        lines.push(Line::info("List-all 10,000: round trip of one page", setting.clone(), round_trip));
        let against = format!("{speedup:.1}× faster than one at a time; {over_floor:.2}× floor");
        let line = Line::info("List-all 10,000: concurrent", setting, concurrent.clone()).against_floor(
            &format!("{waves} round trips ="),
            &floor,
            against,
        );
        // At 50 ms both hold: the speed-up, and the distance to the floor.
        let (limit, target) = if ms == 50 {
            ((floor.median * 1.25).min(one_at_a_time.median / 4.0), "≥ 4× one at a time; ≤ 1.25× floor")
        } else {
            (one_at_a_time.median / 4.0, "≥ 4× one at a time")
        };
        let line = line.at_most(limit, target);
        lines.push(line);
    }
    sim.stop().await;
    lines
}
