//! End to end at an operations admin's scale: more than ten thousand tokens in
//! the real window, light and dark. The list counts them all, a search by id
//! finds exactly one of them, and the keyboard reaches the very last row by
//! name, which the virtual list then draws. Screenshots of each state land in
//! the screenshots folder, as in the other screen tests.

use fantoccini::key::Key;
use marketplace_api::collect_all;
use marketplace_api::rql::Query;
use marketplace_sim::SimConfig;

use crate::support::screen::{TOKEN_ROWS, field};
use crate::support::{AppUnderTest, Launch};

/// Tokens per account: the vendor's admin sees a little over 10,000 of them.
const PER_ACCOUNT: usize = 11_250;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, D-Bus and a keyring: run under scripts/desktop-session.sh (make test does)"]
async fn ten_thousand_tokens_are_counted_found_and_scrolled_to_the_last() {
    let sim = marketplace_sim::start(SimConfig { tokens_per_account: PER_ACCOUNT, seed: 31, ..Default::default() })
        .await
        .expect("the simulator starts");
    let api = crate::support::marketplace::vendor(&sim);
    let all = collect_all(api.list_all_tokens(Query::new())).await.expect("every token");
    assert!(all.len() > 10_000, "the vendor sees more than 10,000 tokens: {}", all.len());
    let deep = &all[all.len() - 3];
    // Last by name, ties by id, as the list orders it: the simulator's names are
    // plain ASCII words, whose order by lower case is the collation's.
    let last_by_name = all
        .iter()
        .max_by_key(|token| (token.name.clone().unwrap_or_default().to_lowercase(), token.id.clone()))
        .expect("tokens");

    for (theme, suffix) in [(None, ""), (Some("Adwaita:dark"), "-dark")] {
        let launch = match theme {
            Some(theme) => Launch::app().env("GTK_THEME", theme),
            None => Launch::app(),
        };
        let app = launch.start().await;
        app.connect_as_vendor(&sim, "Vendor at scale").await;
        let count = in_the_windows_locale(&app, all.len()).await;
        app.wait_until_hidden("//*[@role='progressbar']").await;
        app.wait_for(&count_reads(&format!("{count} tokens"))).await;
        assert!(app.token_rows().await.len() < 100, "only the rows in view are drawn, not all {count}");
        app.screenshot(&format!("list-10000{suffix}")).await;

        // One token from the end of the Marketplace's list, found by its id typed in lower case.
        app.fill("Search tokens", &deep.id.to_lowercase()).await;
        app.wait_for(&count_reads(&format!("1 of {count} tokens"))).await;
        let found = app.token_rows().await;
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains(&deep.id), "{found:?}");
        app.screenshot(&format!("list-10000-search{suffix}")).await;

        // Back to every token; into the rows from the search field, then End: the last row.
        app.fill("Search tokens", "").await;
        app.wait_for(&count_reads(&format!("{count} tokens"))).await;
        app.press(&(Key::Control + "f")).await;
        app.press(&Key::Down).await;
        app.press(&Key::End).await;
        let last = format!("{TOKEN_ROWS}[@aria-rowindex='{}'][@aria-selected='true']", all.len() + 1);
        app.wait_for(&last).await;
        let rows = app.token_rows().await;
        let shown_last = rows.last().expect("rows are drawn at the end");
        assert!(shown_last.contains(&last_by_name.id), "the last row is {}: {shown_last}", last_by_name.id);
        app.wait_for(&field("Search tokens")).await;
        app.screenshot(&format!("list-10000-end{suffix}")).await;
        app.quit_without_panic().await;
    }
}

/// The list's count line reading exactly `text` ("1 of 10,152 tokens" is not "10,152 tokens").
fn count_reads(text: &str) -> String {
    format!("//p[normalize-space()={}]", crate::support::screen::literal(text))
}

/// `count` as the window writes it in the desktop's locale ("10,152", or "10152" in C).
async fn in_the_windows_locale(app: &AppUnderTest, count: usize) -> String {
    let written = app.client().execute("return arguments[0].toLocaleString()", vec![count.into()]).await;
    written.expect("the window formats a number").as_str().expect("a text").to_owned()
}
