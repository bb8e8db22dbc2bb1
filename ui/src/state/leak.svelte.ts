// A leak being answered: the token that a pasted text names (a whole value, an
// id, a log line), looked up in every saved connection. Shared by the list's
// search field and the command palette; the pasted text itself is never kept.

import type { DeskError, LeakSearch } from '../lib/bindings';
import { asDeskError, call, commands } from '../lib/desk';

/** A token's id inside any text. */
export const NAMES_A_TOKEN = /TKN-\d{4}-\d{4}/i;

class LeakState {
  /** What the last lookup found, until closed. */
  search = $state<LeakSearch | null>(null);
  /** Why the last lookup failed. */
  failure = $state<DeskError | null>(null);

  /** Looks the token `text` names up in every connection; false when it names none. */
  async lookUp(text: string): Promise<boolean> {
    if (!NAMES_A_TOKEN.test(text)) return false;
    this.failure = null;
    try {
      this.search = await call(commands.findPastedToken(text));
    } catch (thrown) {
      this.search = null;
      this.failure = asDeskError(thrown);
    }
    return true;
  }

  /** Closes the answer. */
  close(): void {
    this.search = null;
    this.failure = null;
  }
}

/** The leak being answered. */
export const leak = new LeakState();
