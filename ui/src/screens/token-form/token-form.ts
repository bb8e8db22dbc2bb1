// What the create wizard and the edit dialog share: the draft, its checks,
// and where a server's field error belongs.

import type { DeskError } from '../../lib/bindings';
import { fieldMessage } from '../../lib/desk';
import { descriptionProblem, modulesProblem, nameProblem } from '../../lib/validation';

/** A token being written. */
export type TokenDraft = { name: string; description: string; moduleIds: string[] };

/** Messages per field, local and from the server. */
export type DraftErrors = { name: string | null; description: string | null; modules: string | null };

/** Every local problem at once. */
export function checkDraft(draft: TokenDraft): DraftErrors {
  return {
    name: nameProblem(draft.name),
    description: descriptionProblem(draft.description),
    modules: modulesProblem(draft.moduleIds),
  };
}

/** True when nothing needs fixing. */
export function isClean(errors: DraftErrors): boolean {
  return !errors.name && !errors.description && !errors.modules;
}

/** A server's refusal, on the fields it names. */
export function serverErrors(error: DeskError): DraftErrors {
  return {
    name: fieldMessage(error, 'name'),
    description: fieldMessage(error, 'description'),
    modules: fieldMessage(error, 'modules'),
  };
}
