//! Beyond the portal, in the real window: a review-by date set on a token
//! page gives a desktop reminder that opens the token when clicked; a
//! rotation makes two tokens and disables the old one after a grace period
//! (shortened by the debug build's variables); a grace period that ended
//! while the app was closed is asked about at the next start.

use std::time::{Duration, Instant};

use marketplace_sim::{SimConfig, SimHandle};

use crate::support::marketplace::{operations, status_of};
use crate::support::screen::{TOKEN_ROWS, button, literal, role};
use crate::support::{AppUnderTest, Launch};

/// Debug builds run the schedules every this many seconds (the app's `schedules` module).
const SCHEDULE_SECS: &str = "TOKEN_DESK_SCHEDULE_SECS";
/// Debug builds make every rotation grace period but "now" this many seconds.
const GRACE_SECS: &str = "TOKEN_DESK_GRACE_SECS";

async fn simulator() -> SimHandle {
    marketplace_sim::start(SimConfig { tokens_per_account: 6, seed: 11, ..SimConfig::default() })
        .await
        .expect("the simulator starts")
}

async fn wait_for_status(sim: &SimHandle, token_id: &str, wanted: &str, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let status = status_of(sim, token_id).await;
        if status == wanted {
            return;
        }
        assert!(Instant::now() < deadline, "{token_id} is {status}, not {wanted}, after {within:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Opens an active token that is not the connection's own, as a person
/// clicks its row; returns its id and name as its page shows them.
async fn open_another_active_token(app: &AppUnderTest) -> (String, String) {
    app.click(&format!("{TOKEN_ROWS}[contains(., 'Active')][not(contains(., 'This connection'))]")).await;
    let name = app.wait_for("//h1").await.text().await.expect("the name");
    let id = app.wait_for("//dt[.='ID']/following-sibling::dd[1]").await.text().await.expect("the id");
    (id.trim().to_owned(), name.trim().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn a_review_date_gives_a_reminder_that_opens_its_token() {
    let sim = simulator().await;
    let app = Launch::app().with_tray().env(SCHEDULE_SECS, "1").start().await;
    app.connect_as_vendor(&sim, "Reviews").await;
    let (id, name) = open_another_active_token(&app).await;

    app.click_button("Set a review date…").await;
    app.click_button("In 30 days").await;
    app.screenshot("review-date-editing").await;
    app.click_button("Save review date").await;
    app.wait_for_text("in 30 days").await;
    app.wait_for_text("Kept on this device only").await;
    app.screenshot("review-date-set").await;

    // 30 days ahead is the first reminder: the desktop is told, once.
    let reminder = app.tray_host().wait_for_notification(&format!("Review {name} soon"), Duration::from_secs(20)).await;
    assert!(reminder.body.contains(&id) && reminder.body.contains("in 30 days"), "{}", reminder.body);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let told = app.tray_host().notifications().into_iter().filter(|n| n.summary.contains("Review ")).count();
    assert_eq!(told, 1, "each reminder fires once");

    // The list shows the date, and the "due within 30 days" filter finds the token.
    app.click_button("API tokens").await;
    app.wait_for(TOKEN_ROWS).await;
    app.click("//label[contains(., 'Review')]/select/option[.='Due within 30 days']").await;
    app.wait_for_text("1 of").await;
    let rows = app.token_rows().await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains(&name) && rows[0].contains("in 30 days"), "{rows:?}");
    app.screenshot("review-date-list-filter").await;
    // Every token again, sorted by review date: the dated one first.
    app.click("//label[contains(., 'Review')]/select/option[.='Any date']").await;
    app.click(&button("Review by")).await;
    app.wait_for("//*[@role='columnheader'][@aria-sort='ascending'][contains(., 'Review by')]").await;
    let rows = app.token_rows().await;
    assert!(rows.len() > 1 && rows[0].contains(&name), "{rows:?}");

    // Clicking the reminder opens the token.
    app.tray_host().click_notification(reminder.id).await;
    app.wait_for(&format!("//h1[normalize-space()={}]", literal(&name))).await;
    app.wait_for_text("Review by").await;

    // Its Usage tab: where the seeded calls came from, read from its own audit records.
    app.click(&role("tab", "Usage")).await;
    app.wait_for_text("Addresses").await;
    let shown = app.page_text().await;
    let seeded = ["203.0.113.10", "198.51.100.24", "192.0.2.55", "203.0.113.77"];
    assert!(seeded.iter().any(|ip| shown.contains(ip)), "a seeded address is listed:\n{shown}");
    app.screenshot("usage-tab").await;

    // A date of today with "disable on that date": the app disables it while it runs, and says so.
    let connection = app.invoke("list_connections", serde_json::json!({})).await.expect("connections");
    let connection_id = connection["activeId"].clone();
    let tokens = app
        .invoke("list_tokens", serde_json::json!({ "connectionId": connection_id, "query": { "status": "Active" } }))
        .await
        .expect("tokens");
    let own = connection["connections"][0]["tokenId"].clone();
    let doomed = tokens["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|token| token["id"] != own && token["id"] != id.as_str())
        .expect("a third active token")
        .clone();
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    app.invoke(
        "set_review_by",
        serde_json::json!({ "connectionId": connection_id, "tokenId": doomed["id"],
                            "review": { "date": today, "disableAtDate": true } }),
    )
    .await
    .expect("set for today");
    let doomed_id = doomed["id"].as_str().expect("an id");
    let doomed_name = doomed["name"].as_str().expect("a name");
    wait_for_status(&sim, doomed_id, "Disabled", Duration::from_secs(20)).await;
    app.tray_host().wait_for_notification(&format!("{doomed_name} was disabled"), Duration::from_secs(10)).await;
    app.click_button("API tokens").await;
    app.click(&format!("{TOKEN_ROWS}[contains(., {})]", literal(doomed_name))).await;
    app.wait_for_text("Review due:").await;
    app.wait_for_text("Disabled on its review date").await;
    app.screenshot("review-date-disabled").await;

    // The create wizard offers a review date too.
    app.click_button("API tokens").await;
    app.click_button("New token").await;
    app.fill("Name", "Reviewed robot").await;
    app.click("//label[contains(., 'In 90 days')]").await;
    app.screenshot("create-review-date").await;
    app.click_button("Next: modules").await;
    app.click_button("Next: review").await;
    app.wait_for_text("(in 90 days)").await;
    app.click_button("Create token").await;
    app.wait_for_text("Token created").await;
    let reviews =
        app.invoke("review_dates", serde_json::json!({ "connectionId": connection_id })).await.expect("dates");
    let created = reviews.as_array().expect("a list").iter().find(|review| review["daysLeft"] == 90);
    assert!(created.is_some(), "the new token has its date: {reviews}");

    // A token that never did anything: its Usage tab says so plainly.
    app.click_button("Open the token").await;
    app.click(&role("tab", "Usage")).await;
    app.wait_for_text("No audit record shows this token doing anything.").await;
    app.wait_for_text("The audit trail holds nothing this token did yet").await;
    app.screenshot("usage-empty").await;
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn a_rotation_makes_two_tokens_and_disables_the_old_one_after_its_grace_period() {
    let sim = simulator().await;
    let app = Launch::app().with_tray().env(SCHEDULE_SECS, "1").env(GRACE_SECS, "6").start().await;
    app.connect_as_vendor(&sim, "Rotation").await;
    let (old_id, old_name) = open_another_active_token(&app).await;

    app.click_button("Rotate…").await;
    app.click("//label[contains(., 'After 1 hour')]").await;
    app.screenshot("rotate-dialog").await;
    app.click_button("Rotate token").await;
    app.wait_for_text("is ready").await;
    app.screenshot("rotate-started").await;
    let new_id = app.wait_for("//p[contains(., 'has the same modules')]/span").await.text().await.expect("the id");
    let new_id = new_id.trim().to_owned();
    assert_ne!(new_id, old_id);

    // Two tokens side by side, the new one named after the old one with today's date.
    let new = operations(&sim).get_token(&new_id, &[]).await.expect("the new token");
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert_eq!(new.name.as_deref(), Some(format!("{old_name} {today}").as_str()));
    assert_eq!(status_of(&sim, &new_id).await, "Active");
    assert_eq!(status_of(&sim, &old_id).await, "Active", "the old one works during the grace period");

    app.click("//*[@role='dialog']//button[normalize-space()='Open the new token']").await;
    app.wait_for_text(&format!("Replaces {old_name}.")).await;
    app.screenshot("rotate-new-token-waiting").await;

    // The shortened grace period ends: the old token goes, and the desktop is told.
    wait_for_status(&sim, &old_id, "Disabled", Duration::from_secs(30)).await;
    app.tray_host().wait_for_notification(&format!("{old_name} was disabled"), Duration::from_secs(10)).await;
    app.wait_for_text("the old token was disabled").await;
    assert_eq!(status_of(&sim, &new_id).await, "Active");
    app.screenshot("rotate-done").await;
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display and D-Bus: run under scripts/desktop-session.sh (make test does)"]
async fn a_grace_period_that_ended_while_closed_is_asked_about_at_the_next_start() {
    let sim = simulator().await;
    let files = tempfile::tempdir().expect("the app's files");
    let launch = || Launch::app().in_kept_files(files.path()).env(SCHEDULE_SECS, "1").env(GRACE_SECS, "5");

    let app = launch().with_fresh_keychain().start().await;
    let connection = app.connect_as_vendor(&sim, "Restart").await;
    let (old_id, old_name) = open_another_active_token(&app).await;
    let rotated = app
        .invoke(
            "rotate_token",
            serde_json::json!({ "connectionId": connection["id"], "tokenId": old_id, "grace": "oneHour" }),
        )
        .await
        .expect("rotated");
    // Closed before the grace period ends, started again after it did.
    let started = Instant::now();
    let app = app.restart(launch(), started + Duration::from_secs(6)).await;
    app.wait_for_text("A rotation waits for you").await;
    assert_eq!(status_of(&sim, &old_id).await, "Active", "not disabled behind the user's back");
    app.screenshot("rotation-question").await;
    app.click_button(&format!("Disable {old_name}")).await;
    wait_for_status(&sim, &old_id, "Disabled", Duration::from_secs(10)).await;
    app.wait_until_hidden(&button(&format!("Disable {old_name}"))).await;
    let new_id = rotated["rotation"]["newTokenId"].as_str().expect("the new id").to_owned();
    assert_eq!(status_of(&sim, &new_id).await, "Active");
    drop(app);
}
