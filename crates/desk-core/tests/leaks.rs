//! The leak test: a full workflow (connect, list, reveal, copy, create, edit,
//! disable, delete, audit), then a search of the config dir, the logs and every
//! answer the UI got, for the admin secret and for every token value that was
//! not explicitly revealed. Any hit fails the test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use common::World;
use desk_core::queries::{AuditQuery, AuditRole, TokenListQuery};
use desk_core::{CopyFormat, NewToken, TokenChanges};
use marketplace_api::rql::Query;
use marketplace_sim::AccountKind;
use serde::Serialize;

/// Every answer the UI would have received, as the JSON that would cross IPC.
#[derive(Default)]
struct Answers(Vec<String>);

impl Answers {
    fn keep<T: Serialize>(&mut self, answer: &T) {
        self.0.push(serde_json::to_string(answer).expect("answers serialize"));
    }
}

#[tokio::test]
async fn a_full_workflow_leaks_no_secret_anywhere() {
    let (logs, _guard) = test_support::LogCapture::for_this_thread();

    let world = World::new(8).await;
    let desk = &world.desk;
    let mut answers = Answers::default();

    let connection = world.connect(AccountKind::Vendor).await;
    answers.keep(&connection);
    answers.keep(&desk.connections());
    let page = desk.list_tokens(&connection.id, &TokenListQuery::default()).await.expect("list");
    answers.keep(&page);
    desk.list_all_tokens(&connection.id, &TokenListQuery::default(), |batch| answers.keep(&batch))
        .await
        .expect("list all");
    // The token the connection signs in with is never revealed or copied: pick two others.
    let others: Vec<_> = page.items.iter().filter(|t| t.id != connection.token_id).collect();
    let revealed_id = others[0].id.clone();
    let revealed = desk.reveal_token_value(&connection.id, &revealed_id).await.expect("reveal");
    let copied_id = others[1].id.clone();
    answers.keep(&desk.copy_token(&connection.id, &copied_id, CopyFormat::Value).await.expect("copy"));
    answers.keep(&desk.get_token(&connection.id, &copied_id).await.expect("get"));
    answers.keep(&desk.assignable_modules(&connection.id).await.expect("modules"));
    let created = desk
        .create_token(
            &connection.id,
            NewToken { name: "Leak probe".into(), description: String::new(), module_ids: vec![] },
        )
        .await
        .expect("create");
    answers.keep(&created);
    answers.keep(
        &desk
            .update_token(
                &connection.id,
                &created.id,
                TokenChanges { name: Some("Leak probe 2".into()), ..Default::default() },
            )
            .await
            .expect("update"),
    );
    answers.keep(&desk.disable_token(&connection.id, &created.id, false).await.expect("disable"));
    answers.keep(&desk.delete_token(&connection.id, &created.id, false).await.expect("delete"));
    let trail =
        desk.token_audit(&connection.id, &AuditQuery::new(created.id.clone(), AuditRole::Object)).await.expect("audit");
    answers.keep(&trail);
    for entry in &trail.items {
        answers.keep(&desk.audit_record(&connection.id, &entry.id).await.expect("record"));
    }
    let refused = desk
        .add_connection(world.new_connection(AccountKind::Vendor))
        .await
        .expect_err("a duplicate, to include an error answer");
    answers.keep(&refused);

    // Every secret in the simulator, as operations sees them (deleted ones too).
    let operations = world.admin_client(AccountKind::Operations);
    let everything = marketplace_api::collect_all(operations.list_all_tokens(Query::new())).await.expect("all tokens");
    let secrets: Vec<String> = everything
        .iter()
        .filter(|token| token.id != revealed_id)
        .filter_map(|token| token.token.as_ref().map(|secret| secret.expose().to_owned()))
        .collect();
    assert!(secrets.len() > 20, "the probe covers many values");
    assert!(secrets.iter().any(|s| s == world.sim.admin_secret(AccountKind::Vendor)), "the admin secret is probed");

    let log_text = logs.text();
    assert!(log_text.contains("token value revealed"), "the log is really captured: {log_text}");
    let places =
        [("the config dir", world.config_files_text()), ("the logs", log_text), ("the answers", answers.0.join("\n"))];
    for (place, text) in &places {
        for secret in &secrets {
            let opaque = secret.rsplit(':').next().unwrap_or(secret);
            assert!(!text.contains(opaque), "a token value that was never revealed reached {place}");
        }
        if *place != "the answers" {
            let opaque = revealed.rsplit(':').next().unwrap_or(&revealed);
            assert!(!text.contains(opaque), "the revealed value must still stay out of {place}");
        }
    }
    let (on_clipboard, kept_out_of_history) = world.clipboard.content().expect("the copied value");
    assert!(on_clipboard.starts_with(&format!("idt:{copied_id}:")), "the copied value went to the clipboard only");
    assert!(kept_out_of_history, "marked as a secret");
}
