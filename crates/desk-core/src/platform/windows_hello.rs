//! Who is at the keyboard, asked of Windows Hello (`UserConsentVerifier`):
//! the PIN, a fingerprint or a face, as Windows has it set up for this user.
//!
//! Built by the CI workflow's Windows job only; no test here can run it (see
//! docs/security.md for what that leaves unproven).

use windows::Security::Credentials::UI::{
    UserConsentVerificationResult, UserConsentVerifier, UserConsentVerifierAvailability,
};
use windows::core::HSTRING;

use crate::lock::{Presence, PresenceCheck};

/// Windows Hello, asked on a blocking thread (its async operations are joined there).
#[derive(Debug, Default, Clone)]
pub struct WindowsHello;

impl PresenceCheck for WindowsHello {
    fn confirm<'a>(&'a self, why: &'a str) -> futures::future::BoxFuture<'a, Presence> {
        let why = why.to_owned();
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || ask(&why)).await {
                Ok(Ok(presence)) => presence,
                Ok(Err(error)) => {
                    tracing::info!("Windows Hello could not be asked: {error}");
                    Presence::Unavailable(format!("Windows Hello could not be asked ({})", error.message()))
                }
                Err(_) => Presence::Unavailable("Windows Hello could not be asked".into()),
            }
        })
    }
}

fn ask(why: &str) -> windows::core::Result<Presence> {
    let availability = UserConsentVerifier::CheckAvailabilityAsync()?.join()?;
    if availability != UserConsentVerifierAvailability::Available {
        return Ok(Presence::Unavailable(unavailable_reason(availability).into()));
    }
    let result = UserConsentVerifier::RequestVerificationAsync(&HSTRING::from(why))?.join()?;
    Ok(if result == UserConsentVerificationResult::Verified {
        Presence::Confirmed
    } else if result == UserConsentVerificationResult::Canceled
        || result == UserConsentVerificationResult::RetriesExhausted
    {
        Presence::Refused
    } else {
        Presence::Unavailable(unavailable_reason_of_result(result).into())
    })
}

fn unavailable_reason(availability: UserConsentVerifierAvailability) -> &'static str {
    if availability == UserConsentVerifierAvailability::NotConfiguredForUser {
        "Windows Hello is not set up for you: add a PIN in Settings, Accounts, Sign-in options"
    } else if availability == UserConsentVerifierAvailability::DisabledByPolicy {
        "Windows Hello is turned off by your organisation's policy"
    } else if availability == UserConsentVerifierAvailability::DeviceBusy {
        "Windows Hello is busy with another request; try again"
    } else {
        "this computer has no Windows Hello device"
    }
}

fn unavailable_reason_of_result(result: UserConsentVerificationResult) -> &'static str {
    if result == UserConsentVerificationResult::NotConfiguredForUser {
        "Windows Hello is not set up for you: add a PIN in Settings, Accounts, Sign-in options"
    } else if result == UserConsentVerificationResult::DisabledByPolicy {
        "Windows Hello is turned off by your organisation's policy"
    } else if result == UserConsentVerificationResult::DeviceBusy {
        "Windows Hello is busy with another request; try again"
    } else {
        "Windows Hello could not check who you are"
    }
}
