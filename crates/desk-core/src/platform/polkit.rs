//! Who is at the keyboard, asked of polkit on Linux: the system's own
//! authentication, through the desktop's agent (the same password prompt as
//! for a system setting). Token Desk has no password of its own.
//!
//! The check is `CheckAuthorization` on the system bus for the action
//! `dev.tokendesk.TokenDesk.unlock`, which the package installs with
//! `allow_active=auth_self`: the person logged in proves it is them. With no
//! system bus, no authority or no agent, the answer is `Unavailable`, with why.

use std::collections::HashMap;

use zbus::zvariant::Value;

use crate::lock::{Presence, PresenceCheck};

/// The polkit action the package installs.
pub const UNLOCK_ACTION: &str = "dev.tokendesk.TokenDesk.unlock";

/// polkit's `AllowUserInteraction`: the agent may ask for a password.
const ALLOW_USER_INTERACTION: u32 = 1;

#[zbus::proxy(
    interface = "org.freedesktop.PolicyKit1.Authority",
    default_service = "org.freedesktop.PolicyKit1",
    default_path = "/org/freedesktop/PolicyKit1/Authority"
)]
trait Authority {
    fn check_authorization(
        &self,
        subject: &(&str, HashMap<&str, Value<'_>>),
        action_id: &str,
        details: HashMap<&str, &str>,
        flags: u32,
        cancellation_id: &str,
    ) -> zbus::Result<(bool, bool, HashMap<String, String>)>;
}

/// polkit, over the system bus (or the bus `DBUS_SYSTEM_BUS_ADDRESS` names).
#[derive(Debug, Default, Clone)]
pub struct Polkit;

impl PresenceCheck for Polkit {
    fn confirm<'a>(&'a self, _why: &'a str) -> futures::future::BoxFuture<'a, Presence> {
        Box::pin(async move {
            match ask().await {
                Ok(presence) => presence,
                Err(error) => {
                    tracing::info!("polkit could not be asked: {error}");
                    Presence::Unavailable(format!("polkit could not be asked ({error})"))
                }
            }
        })
    }
}

async fn ask() -> zbus::Result<Presence> {
    let bus = zbus::Connection::system().await?;
    let authority = AuthorityProxy::new(&bus).await?;
    let mut subject = HashMap::new();
    subject.insert("pid", Value::from(std::process::id()));
    subject.insert("start-time", Value::from(process_start_time().unwrap_or_default()));
    let details = HashMap::new();
    let (authorized, challenge, answer) = authority
        .check_authorization(&("unix-process", subject), UNLOCK_ACTION, details, ALLOW_USER_INTERACTION, "")
        .await?;
    Ok(presence_of(authorized, challenge, &answer))
}

/// What polkit's answer means: authorized is confirmed; a challenge left
/// unanswered means there was no agent to ask; anything else is a refusal
/// (a wrong password, or Cancel: `polkit.dismissed`).
fn presence_of(authorized: bool, challenge: bool, details: &HashMap<String, String>) -> Presence {
    if authorized {
        Presence::Confirmed
    } else if challenge && !details.contains_key("polkit.dismissed") {
        Presence::Unavailable("no polkit authentication agent is running to ask for your password".into())
    } else {
        Presence::Refused
    }
}

/// This process's start time in clock ticks since boot (field 22 of
/// `/proc/self/stat`), which polkit pairs with the pid to name the process.
fn process_start_time() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: count from the closing parenthesis.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polkit_answers_map_to_presence() {
        let none = HashMap::new();
        assert_eq!(presence_of(true, false, &none), Presence::Confirmed);
        assert!(matches!(presence_of(false, true, &none), Presence::Unavailable(_)), "no agent");
        let dismissed = HashMap::from([("polkit.dismissed".to_owned(), "true".to_owned())]);
        assert_eq!(presence_of(false, true, &dismissed), Presence::Refused, "Cancel");
        assert_eq!(presence_of(false, false, &none), Presence::Refused);
    }

    #[test]
    fn the_start_time_is_read_past_the_command_name() {
        assert!(process_start_time().is_some_and(|ticks| ticks > 0));
    }
}
