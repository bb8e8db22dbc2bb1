// The token form's rules, mirrored from desk-core's `validation.rs` (which
// follows the platform's documented rules) so the form shows every problem
// at once, before anything is sent. The backend checks them again. Both run
// the cases in desk-core's `tokens/validation-cases.json`, so they cannot drift.

/** Longest token name the platform accepts. */
export const NAME_MAX_CHARS = 200;
/** Longest description the platform accepts. */
export const DESCRIPTION_MAX_CHARS = 2000;

// Letters, marks (Devanagari's vowel signs and virama, say) and numbers of any script,
// by Unicode general category, as Rust's `name_char` reads them.
const ALLOWED_NAME_CHAR = /[\p{L}\p{M}\p{N} \-.'"]/u;
const MODULE_ID = /^MOD-\d{4}$/;

/** What is wrong with a token name, or null. */
export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name for the token.';
  const length = [...trimmed].length;
  if (length > NAME_MAX_CHARS) {
    return `The name is ${length} characters long; at most ${NAME_MAX_CHARS} are allowed.`;
  }
  const refused = [...new Set([...trimmed].filter((c) => !ALLOWED_NAME_CHAR.test(c)))];
  if (refused.length) {
    const shown = refused.map((c) => `“${c}”`).join(' ');
    return `The name may only contain letters, digits, spaces, hyphens, periods and quotes (not ${shown}).`;
  }
  return null;
}

/** What is wrong with a description, or null. */
export function descriptionProblem(description: string): string | null {
  const length = [...description].length;
  return length > DESCRIPTION_MAX_CHARS
    ? `The description is ${length} characters long; at most ${DESCRIPTION_MAX_CHARS} are allowed.`
    : null;
}

/** What is wrong with the chosen module ids, or null. */
export function modulesProblem(moduleIds: readonly string[]): string | null {
  const bad = moduleIds.filter((id) => !MODULE_ID.test(id));
  if (bad.length) return `Not a module id: ${bad.join(', ')}.`;
  const twice = moduleIds.find((id, at) => moduleIds.indexOf(id) !== at);
  return twice ? `${twice} is chosen more than once.` : null;
}
