// The screens a start does not need, loaded on first use: the list shows
// before the token page, the wizard, Settings, the Audit screen, the palette
// and the shortcut sheet are even fetched. Each loader runs once; later
// calls get the same (by then settled) promise.

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => (loading ??= load());
}

export const loadTokenPage = once(() => import('../screens/token/TokenPage.svelte'));
export const loadWizard = once(() => import('../screens/token-form/CreateTokenWizard.svelte'));
export const loadSettings = once(() => import('../screens/settings/SettingsScreen.svelte'));
export const loadAuditScreen = once(() => import('../screens/audit/AuditScreen.svelte'));
export const loadPalette = once(() => import('../features/palette/CommandPalette.svelte'));
export const loadShortcuts = once(() => import('../features/shortcuts/ShortcutSheet.svelte'));
export const loadWelcome = once(() => import('../screens/connect/WelcomeScreen.svelte'));
