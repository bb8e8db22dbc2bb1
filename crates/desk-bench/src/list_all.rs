//! List-all through the real client over TLS: 10,000 tokens with 5 ms and
//! then 50 ms added to every request, pages fetched concurrently against one
//! page at a time; and 100,000 tokens at 50 ms. Each against the latency
//! floor, ⌈pages ÷ in flight⌉ round trips of one page (measured alone, at the
//! same latency, in the same run).

use std::time::{Duration, Instant};

use marketplace_api::rql::{Filter, Query};
use marketplace_api::{ApiSecret, Client, ClientConfig, collect_all};
use marketplace_sim::{AccountKind, FaultAction, FaultRule, FaultWhen, SimConfig, SimHandle};

use crate::table::{Figure, Line};

const IN_FLIGHT: usize = 8;
const PAGE: u64 = 100;

fn client(sim: &SimHandle, list_concurrency: usize) -> Client {
    let mut config = ClientConfig::new(sim.base_url(), ApiSecret::new(sim.admin_secret(AccountKind::Operations)))
        .with_extra_ca_pem(sim.ca_pem());
    config.list_concurrency = list_concurrency;
    Client::new(config).expect("the client builds")
}

/// Milliseconds of each of `rounds` list-alls, after one warm-up that opens the connections.
async fn list_alls(client: &Client, query: &Query, tokens: usize, rounds: usize) -> Vec<f64> {
    let mut times = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        let started = Instant::now();
        let listed = collect_all(client.list_all_tokens(query.clone())).await.expect("list-all");
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(listed.len(), tokens + 1, "the tokens and the admin token");
        if round > 0 {
            times.push(elapsed);
        }
    }
    times
}

/// Milliseconds of single page requests, one at a time: the round trip.
async fn round_trips(client: &Client, query: &Query, tokens: usize) -> Vec<f64> {
    let mut times = Vec::new();
    for page in 0..21 {
        let started = Instant::now();
        let offset = page * (tokens / 21) as u32;
        client.list_tokens(&query.clone().limit(PAGE as u32).offset(offset)).await.expect("one page");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times
}

/// The table's lines for list-all: 10,000 tokens at each added latency, then 100,000 at 50 ms.
pub async fn lines() -> Vec<Line> {
    let mut lines = at_size(10_000, &[(Duration::from_millis(5), 7, true), (Duration::from_millis(50), 5, true)]).await;
    // One page at a time would take over a minute a round here: only the floor compares.
    lines.extend(at_size(100_000, &[(Duration::from_millis(50), 3, false)]).await);
    lines
}

/// `tokens` listed at each `(added latency, rounds, also one page at a time)`.
async fn at_size(tokens: usize, latencies: &[(Duration, usize, bool)]) -> Vec<Line> {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: tokens, ..SimConfig::default() })
        .await
        .expect("the simulator starts");
    // As the app lists a connection's tokens: its account's, in id order.
    let query = Query::new().filter(Filter::eq("account.id", sim.account_id(AccountKind::Vendor))).order_by("id");
    let pages = (tokens as u64 + 1).div_ceil(PAGE);
    let waves = pages.div_ceil(IN_FLIGHT as u64) as f64;
    let size = format_count(tokens);
    let mut lines = Vec::new();
    for &(latency, rounds, one_by_one) in latencies {
        sim.faults().clear();
        sim.faults().add(FaultRule {
            method: None,
            path: None,
            action: FaultAction::Latency(latency),
            when: FaultWhen::Always,
        });
        let ms = latency.as_millis();
        let round_trip = Figure::of(&round_trips(&client(&sim, 1), &query, tokens).await, "ms");
        let concurrent = Figure::of(&list_alls(&client(&sim, IN_FLIGHT), &query, tokens, rounds).await, "ms");
        let floor = Figure::exact(waves * round_trip.median, "ms");
        let over_floor = concurrent.median / floor.median;
        let setting = format!("+{ms} ms per request, {pages} pages, {IN_FLIGHT} in flight");
        lines.push(Line::info(format!("List-all {size}: round trip of one page"), setting.clone(), round_trip));
        let mut against = format!("{over_floor:.2}× floor");
        // At 50 ms the distance to the floor holds; with one page at a time measured, the speed-up too.
        let mut limits = Vec::new();
        if ms == 50 {
            limits.push((floor.median * 1.25, "≤ 1.25× floor"));
        }
        if one_by_one {
            let one_at_a_time = Figure::of(&list_alls(&client(&sim, 1), &query, tokens, rounds).await, "ms");
            let speedup = one_at_a_time.median / concurrent.median;
            against = format!("{speedup:.1}× faster than one at a time; {against}");
            limits.push((one_at_a_time.median / 4.0, "≥ 4× one at a time"));
            lines.push(Line::info(format!("List-all {size}: one page at a time"), setting.clone(), one_at_a_time));
        }
        let line = Line::info(format!("List-all {size}: concurrent"), setting, concurrent.clone()).against_floor(
            &format!("{waves} round trips ="),
            &floor,
            against,
        );
        let limit = limits.iter().map(|(limit, _)| *limit).fold(f64::INFINITY, f64::min);
        let target = limits.iter().map(|(_, target)| *target).collect::<Vec<_>>().join("; ");
        lines.push(if limits.is_empty() { line } else { line.at_most(limit, target) });
    }
    sim.stop().await;
    lines
}

/// 10000 as "10,000".
fn format_count(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
