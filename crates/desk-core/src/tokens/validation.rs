//! The forms' rules (a token's fields, a connection's name and colour),
//! checked before anything is sent so a form can show every problem at once.
//! The platform checks the token's again; these follow its documented rules (docs/marketplace-api.md §5.6).

use crate::error::{DeskError, ErrorKind, FieldError};

/// Longest token name the platform accepts.
pub const NAME_MAX_CHARS: usize = 200;
/// Longest description the platform accepts.
pub const DESCRIPTION_MAX_CHARS: usize = 2000;

/// Problems with a token name: required, at most 200 characters, and only
/// letters, digits, spaces, `-`, `.`, `'` and `"`.
pub fn name_problems(name: &str) -> Option<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Some("Enter a name for the token.".into());
    }
    let length = trimmed.chars().count();
    if length > NAME_MAX_CHARS {
        return Some(format!("The name is {length} characters long; at most {NAME_MAX_CHARS} are allowed."));
    }
    // Each refused character once, in order of first appearance.
    let mut refused: Vec<char> = Vec::new();
    for c in trimmed.chars().filter(|&c| !name_char(c)) {
        if !refused.contains(&c) {
            refused.push(c);
        }
    }
    if !refused.is_empty() {
        let shown: String = refused.iter().map(|c| format!("\u{201c}{c}\u{201d} ")).collect();
        return Some(format!(
            "The name may only contain letters, digits, spaces, hyphens, periods and quotes (not {}).",
            shown.trim_end()
        ));
    }
    None
}

/// Whether a name may hold `c`: a letter, a mark (the vowel signs and virama of
/// Devanagari, say) or a number of any script, by Unicode general category, as
/// the UI's `[\p{L}\p{M}\p{N}]` reads it; or a space, `-`, `.`, `'` or `"`.
fn name_char(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    matches!(c, ' ' | '-' | '.' | '\'' | '"')
        || matches!(
            get_general_category(c),
            G::UppercaseLetter
                | G::LowercaseLetter
                | G::TitlecaseLetter
                | G::ModifierLetter
                | G::OtherLetter
                | G::NonspacingMark
                | G::SpacingMark
                | G::EnclosingMark
                | G::DecimalNumber
                | G::LetterNumber
                | G::OtherNumber
        )
}

/// Problems with a description: at most 2000 characters.
pub fn description_problems(description: &str) -> Option<String> {
    let length = description.chars().count();
    (length > DESCRIPTION_MAX_CHARS)
        .then(|| format!("The description is {length} characters long; at most {DESCRIPTION_MAX_CHARS} are allowed."))
}

/// Problems with module ids: each must look like `MOD-1234`, and be chosen once.
pub fn module_problems(module_ids: &[String]) -> Option<String> {
    let bad: Vec<&str> =
        module_ids.iter().map(String::as_str).filter(|id| !crate::tokens::ids::IdKind::Module.matches(id)).collect();
    if !bad.is_empty() {
        return Some(format!("Not a module id: {}.", bad.join(", ")));
    }
    let twice = module_ids.iter().enumerate().find(|(at, id)| module_ids[..*at].contains(id));
    twice.map(|(_, id)| format!("{id} is chosen more than once."))
}

/// Longest connection label.
pub const LABEL_MAX_CHARS: usize = 100;

/// A connection's name, trimmed: required, at most 100 characters, and
/// nothing shaped like a secret (the name is saved in a plain file).
pub fn checked_label(label: &str) -> Result<String, DeskError> {
    let label = label.trim();
    if label.is_empty() {
        return Err(DeskError::invalid_field("label", "Give the connection a name."));
    }
    if label.chars().count() > LABEL_MAX_CHARS {
        return Err(DeskError::invalid_field("label", format!("Keep the name under {LABEL_MAX_CHARS} characters.")));
    }
    if crate::redact::looks_like_secret(label) {
        // Never echo it back: the message must not carry what it refuses.
        return Err(DeskError::invalid_field(
            "label",
            "This looks like an API secret. Give the connection a name here; the secret goes in the API token field.",
        ));
    }
    Ok(label.to_owned())
}

/// A connection's colour, as `#rrggbb` in lower case.
pub fn checked_colour(colour: &str) -> Result<String, DeskError> {
    let colour = colour.trim().to_ascii_lowercase();
    let valid = colour.len() == 7 && colour.starts_with('#') && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        return Err(DeskError::invalid_field("colour", format!("\"{colour}\" is not a colour like #3b4fd8.")));
    }
    Ok(colour)
}

/// Collects field problems into one validation error, or `Ok` when there are none.
pub fn check(problems: impl IntoIterator<Item = (&'static str, Option<String>)>) -> Result<(), DeskError> {
    let field_errors: Vec<FieldError> = problems
        .into_iter()
        .filter_map(|(field, problem)| problem.map(|message| FieldError { field: Some(field.into()), message }))
        .collect();
    if field_errors.is_empty() {
        return Ok(());
    }
    let message = if field_errors.len() == 1 {
        field_errors[0].message.clone()
    } else {
        format!("{} fields need fixing.", field_errors.len())
    };
    Err(DeskError { kind: ErrorKind::Validation, message, field_errors, trace_id: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One case of `validation-cases.json`.
    #[derive(serde::Deserialize)]
    struct Case<T> {
        input: T,
        #[serde(default)]
        repeat: Option<usize>,
        problem: Option<String>,
    }

    #[derive(serde::Deserialize)]
    struct Cases {
        name: Vec<Case<String>>,
        description: Vec<Case<String>>,
        modules: Vec<Case<Vec<String>>>,
    }

    /// The cases the UI's tests run too.
    fn cases() -> Cases {
        serde_json::from_str(include_str!("validation-cases.json")).expect("the shared cases")
    }

    fn repeated(case: &Case<String>) -> String {
        case.input.repeat(case.repeat.unwrap_or(1))
    }

    #[test]
    fn the_shared_cases_hold_for_names_descriptions_and_modules() {
        let cases = cases();
        for case in &cases.name {
            assert_eq!(name_problems(&repeated(case)), case.problem, "name {:?}", case.input);
        }
        for case in &cases.description {
            assert_eq!(description_problems(&repeated(case)), case.problem, "description {:?}", case.input);
        }
        for case in &cases.modules {
            assert_eq!(module_problems(&case.input), case.problem, "modules {:?}", case.input);
        }
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let error = check([
            ("name", name_problems("")),
            ("description", description_problems(&"a".repeat(2001))),
            ("modules", None),
        ])
        .expect_err("two problems");
        assert_eq!(error.kind, ErrorKind::Validation);
        let fields: Vec<_> = error.field_errors.iter().filter_map(|f| f.field.as_deref()).collect();
        assert_eq!(fields, ["name", "description"]);
    }
}
