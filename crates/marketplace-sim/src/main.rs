//! `marketplace-sim`: runs the simulator until Ctrl+C, printing its base URL, the CA file
//! to trust and one admin secret per account.
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line tool answers on stdout and stderr")]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use marketplace_sim::{AccountKind, FaultRule, SimConfig};

/// A local SoftwareOne Marketplace API over TLS, with seed data and fault injection.
#[derive(Debug, Parser)]
#[command(name = "marketplace-sim", version)]
struct Args {
    /// TCP port on 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Tokens per account besides each account's admin token.
    #[arg(long, default_value_t = 5)]
    tokens: usize,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where to write the CA certificate (PEM) that clients must trust.
    #[arg(long, default_value = "marketplace-sim-ca.pem")]
    ca_out: PathBuf,
    /// A fault rule, repeatable: "METHOD PATH ACTION [WHEN]", e.g.
    /// "GET /public/v1/accounts/api-tokens status=503 next=2", "* * latency=200",
    /// "* * 429=5 share=0.1", "POST * drop", "* * malformed next=1", "* * echo-auth=401",
    /// "GET * echo-auth-html".
    #[arg(long = "fault", value_name = "RULE")]
    faults: Vec<FaultRule>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = SimConfig {
        seed: args.seed,
        tokens_per_account: args.tokens,
        port: args.port,
        faults: args.faults,
        ..SimConfig::default()
    };
    let sim = match marketplace_sim::start(config).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("marketplace-sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = std::fs::write(&args.ca_out, sim.ca_pem()) {
        eprintln!("marketplace-sim: cannot write {}: {error}", args.ca_out.display());
        return ExitCode::FAILURE;
    }
    println!("base URL:  {}", sim.base_url());
    println!("CA file:   {}", args.ca_out.display());
    for kind in AccountKind::ALL {
        // Printing the admin secrets is this binary's purpose: they are throwaway
        // credentials of a local simulator, made fresh from the seed.
        println!("{:<11} {}  {}", format!("{}:", kind.as_str()), sim.account_id(kind), sim.admin_secret(kind));
    }
    println!("Press Ctrl+C to stop.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("marketplace-sim: cannot wait for Ctrl+C: {error}");
    }
    sim.stop().await;
    println!("stopped");
    ExitCode::SUCCESS
}
