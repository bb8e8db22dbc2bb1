//! Review-by dates through the desk, against the simulator, on an injected
//! clock: reminders at 30, 7 and 1 days and when due, each once; what a
//! restart missed, once; the disable on the date.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test states its expectations by panicking"
)]

mod common;

use std::sync::Arc;

use chrono::{Duration, Local};
use common::World;
use desk_core::clock::ManualClock;
use desk_core::queries::{TokenListQuery, TokenState};
use desk_core::{Desk, ErrorKind, ReviewBy, ReviewStage};
use marketplace_sim::AccountKind;

/// A world whose desk runs on a clock stopped at noon, and an active token that is not the connection's own.
async fn world_at_noon() -> (World, Arc<ManualClock>, String, String) {
    let mut world = World::new(8).await;
    let clock = Arc::new(ManualClock::new(common::noon()));
    world.desk = common::desk_at(world.config_dir.path(), world.secrets.clone(), clock.clone());
    let connection = world.connect(AccountKind::Vendor).await;
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let tokens = world.desk.list_tokens(&connection.id, &query).await.expect("tokens");
    let token = tokens.items.iter().find(|token| token.id != connection.token_id).expect("an active token").id.clone();
    (world, clock, connection.id, token)
}

fn day_in(clock: &ManualClock, days: i64) -> String {
    (clock.now_local_date() + Duration::days(days)).to_string()
}

trait LocalDate {
    fn now_local_date(&self) -> chrono::NaiveDate;
}

impl LocalDate for ManualClock {
    fn now_local_date(&self) -> chrono::NaiveDate {
        use desk_core::clock::Clock;
        self.now().with_timezone(&Local).date_naive()
    }
}

async fn titles(desk: &Desk) -> Vec<String> {
    desk.check_review_dates().await.into_iter().map(|reminder| reminder.title).collect()
}

#[tokio::test]
async fn reminders_fire_at_30_7_and_1_days_and_when_due_each_once() {
    let (world, clock, connection, token) = world_at_noon().await;
    let desk = &world.desk;
    let date = day_in(&clock, 40);
    let set = desk
        .set_review_by(&connection, &token, Some(ReviewBy { date: date.clone(), disable_at_date: false }))
        .await
        .expect("set")
        .expect("a review");
    assert_eq!((set.days_left, set.stage), (40, ReviewStage::Later));
    assert!(titles(desk).await.is_empty(), "40 days ahead: nothing yet");

    for (advance, days_left, stage) in
        [(10, 30, ReviewStage::Within30Days), (23, 7, ReviewStage::Within7Days), (6, 1, ReviewStage::Tomorrow)]
    {
        clock.advance(Duration::days(advance));
        let reminders = desk.check_review_dates().await;
        assert_eq!(reminders.len(), 1, "{days_left} days ahead: one reminder");
        assert_eq!(reminders[0].token_id, token, "a click opens this token");
        assert!(reminders[0].title.starts_with("Review ") && reminders[0].title.ends_with(" soon"));
        assert!(reminders[0].body.contains(&token), "{}", reminders[0].body);
        assert!(titles(desk).await.is_empty(), "and only once");
        let review = desk.review_dates(&connection).await.expect("read").into_iter().next().expect("listed");
        assert_eq!((review.days_left, review.stage), (days_left, stage));
    }
    clock.advance(Duration::days(1));
    let due = titles(desk).await;
    assert_eq!(due.len(), 1);
    assert!(due[0].ends_with(" now"), "{due:?}");
    clock.advance(Duration::days(3));
    assert!(titles(desk).await.is_empty(), "an overdue date is told once");
}

#[tokio::test]
async fn a_restart_after_a_long_gap_gives_one_reminder_and_the_dates_stay() {
    let (world, clock, connection, token) = world_at_noon().await;
    let date = day_in(&clock, 40);
    world.desk.set_review_by(&connection, &token, Some(ReviewBy { date, disable_at_date: false })).await.expect("set");
    drop(world.desk.check_review_dates().await);

    // The app was closed from 40 days ahead until 2 days after the date.
    clock.advance(Duration::days(42));
    let reopened = common::desk_at(world.config_dir.path(), world.secrets.clone(), clock.clone());
    let reminders = reopened.check_review_dates().await;
    assert_eq!(reminders.len(), 1, "the most urgent reminder only, not four: {reminders:?}");
    assert!(reminders[0].body.contains("2 days ago"), "{}", reminders[0].body);
    assert_eq!(reopened.review_dates(&connection).await.expect("read")[0].days_left, -2);
    assert!(reopened.check_review_dates().await.is_empty());
}

#[tokio::test]
async fn disable_at_the_date_disables_once_and_says_what_it_did() {
    let (world, clock, connection, token) = world_at_noon().await;
    let desk = &world.desk;
    let date = day_in(&clock, 3);
    desk.set_review_by(&connection, &token, Some(ReviewBy { date, disable_at_date: true })).await.expect("set");
    let early = desk.check_review_dates().await;
    assert_eq!(early.len(), 1);
    assert!(early[0].body.contains("disables it on that date"), "{}", early[0].body);
    let admin = world.admin_client(AccountKind::Vendor);
    assert_eq!(admin.get_token(&token, &[]).await.unwrap().status.unwrap().as_str(), "Active");

    clock.advance(Duration::days(3));
    let on_the_day = desk.check_review_dates().await;
    assert_eq!(on_the_day.len(), 1, "one notification says both that it is due and what was done: {on_the_day:?}");
    assert!(on_the_day[0].title.ends_with("was disabled"), "{on_the_day:?}");
    assert_eq!(admin.get_token(&token, &[]).await.unwrap().status.unwrap().as_str(), "Disabled");
    let outcome = desk.review_dates(&connection).await.expect("read")[0].disable_outcome.clone().expect("recorded");
    assert!(outcome.disabled && outcome.message.contains("Disabled on its review date"), "{outcome:?}");

    // Enabled again by hand: the app does not fight the user.
    admin.enable_token(&token).await.expect("enabled");
    clock.advance(Duration::days(1));
    assert!(desk.check_review_dates().await.is_empty());
    assert_eq!(admin.get_token(&token, &[]).await.unwrap().status.unwrap().as_str(), "Active");
}

#[tokio::test]
async fn bad_dates_and_the_sign_in_token_are_refused_with_nothing_saved() {
    let (world, clock, connection, token) = world_at_noon().await;
    let desk = &world.desk;
    let past = desk
        .set_review_by(&connection, &token, Some(ReviewBy { date: day_in(&clock, -1), disable_at_date: false }))
        .await
        .expect_err("past");
    assert_eq!(past.field_errors[0].field.as_deref(), Some("reviewBy"));
    let garbage = desk
        .set_review_by(&connection, &token, Some(ReviewBy { date: "next friday".into(), disable_at_date: false }))
        .await
        .expect_err("not a date");
    assert!(garbage.message.contains("next friday"), "{}", garbage.message);
    let own = desk.connection(&connection).unwrap().token_id;
    let cut_off = desk
        .set_review_by(&connection, &own, Some(ReviewBy { date: day_in(&clock, 5), disable_at_date: true }))
        .await
        .expect_err("would cut the connection off");
    assert_eq!(cut_off.field_errors[0].field.as_deref(), Some("disableAtDate"));
    let missing = desk
        .set_review_by(&connection, "TKN-9999-9999", Some(ReviewBy { date: day_in(&clock, 5), disable_at_date: false }))
        .await
        .expect_err("no such token");
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert!(desk.review_dates(&connection).await.expect("read").is_empty(), "nothing was saved");

    desk.set_review_by(&connection, &token, Some(ReviewBy { date: day_in(&clock, 5), disable_at_date: false }))
        .await
        .expect("set");
    assert!(desk.set_review_by(&connection, &token, None).await.expect("removed").is_none());
    assert!(desk.review_dates(&connection).await.expect("read").is_empty());
}

#[tokio::test]
async fn saving_the_same_date_again_keeps_its_reminders_given_and_a_deleted_token_loses_its_date() {
    let (world, clock, connection, token) = world_at_noon().await;
    let desk = &world.desk;
    let date = day_in(&clock, 5);
    desk.set_review_by(&connection, &token, Some(ReviewBy { date: date.clone(), disable_at_date: false }))
        .await
        .expect("set");
    assert_eq!(desk.check_review_dates().await.len(), 1, "within 7 days");
    // Only the option changes: the reminder already given is not given again.
    desk.set_review_by(&connection, &token, Some(ReviewBy { date, disable_at_date: true })).await.expect("again");
    assert!(desk.check_review_dates().await.is_empty());

    // Deleted elsewhere: no reminder for a token that is gone, and its date goes too.
    let own = desk.connection(&connection).unwrap().token_id;
    let query = TokenListQuery { status: Some(TokenState::Active), ..Default::default() };
    let listed = desk.list_tokens(&connection, &query).await.expect("tokens").items;
    let other = listed.into_iter().find(|t| t.id != token && t.id != own);
    let other = other.expect("another token").id;
    desk.set_review_by(&connection, &other, Some(ReviewBy { date: day_in(&clock, 20), disable_at_date: false }))
        .await
        .expect("set");
    world.admin_client(AccountKind::Vendor).delete_token(&other).await.expect("deleted behind the desk's back");
    let reminders = desk.check_review_dates().await;
    assert!(reminders.iter().all(|reminder| reminder.token_id != other), "{reminders:?}");
    assert!(
        desk.review_dates(&connection).await.expect("read").iter().all(|review| review.token_id != other),
        "its date went too"
    );

    // Deleted through the desk: the date goes at once.
    desk.delete_token(&connection, &token, false).await.expect("deleted");
    assert!(desk.review_dates(&connection).await.expect("read").is_empty());
}

#[tokio::test]
async fn a_new_day_tells_the_window_to_count_the_days_again() {
    let (world, clock, connection, _token) = world_at_noon().await;
    let mut events = world.desk.subscribe();
    let notes_changed = |events: &mut tokio::sync::broadcast::Receiver<desk_core::DeskEvent>| {
        std::iter::from_fn(|| events.try_recv().ok())
            .any(|event| event == desk_core::DeskEvent::NotesChanged { connection_id: connection.clone() })
    };
    drop(world.desk.run_schedules().await);
    assert!(!notes_changed(&mut events), "the first run has no day to compare with");
    clock.advance(Duration::hours(1));
    drop(world.desk.run_schedules().await);
    assert!(!notes_changed(&mut events), "same day");
    clock.advance(Duration::days(1));
    drop(world.desk.run_schedules().await);
    assert!(notes_changed(&mut events), "the next day");
}
