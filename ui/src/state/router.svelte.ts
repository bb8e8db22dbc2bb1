// Which screen the window shows. A desktop app has no URL bar, so this is a
// small state machine rather than a router library.

/** A tab of the token page. */
export type TokenTab = 'general' | 'modules' | 'details' | 'usage' | 'audit';

/** A screen of the connected app. */
export type Screen =
  | { name: 'tokens' }
  | { name: 'token'; tokenId: string; tab: TokenTab; rotate?: boolean }
  | { name: 'create'; modulesFrom?: ModulesFrom }
  | { name: 'settings' }
  | { name: 'audit' };

/** The token whose modules a new token starts from. */
export type ModulesFrom = { tokenName: string; moduleIds: string[] };

/** The token page's tabs in order: keys 1 to 5 open them. */
export const TOKEN_TABS: readonly TokenTab[] = ['general', 'modules', 'details', 'usage', 'audit'];

class Router {
  /** The screen on show. */
  screen = $state<Screen>({ name: 'tokens' });

  /** Shows the token list. */
  toList(): void {
    this.screen = { name: 'tokens' };
  }

  /** Opens a token's page on a tab; `rotate`: with Rotate… open, to replace a leaked token. */
  toToken(tokenId: string, tab: TokenTab = 'general', rotate = false): void {
    this.screen = { name: 'token', tokenId, tab, rotate };
  }

  /** Opens the create-token wizard, its modules chosen as `modulesFrom`'s when given. */
  toCreate(modulesFrom?: ModulesFrom): void {
    this.screen = { name: 'create', modulesFrom };
  }

  /** Opens the account's whole audit trail. */
  toAudit(): void {
    this.screen = { name: 'audit' };
  }

  /** Opens the settings. */
  toSettings(): void {
    this.screen = { name: 'settings' };
  }
}

/** The window's navigation. */
export const router = new Router();
