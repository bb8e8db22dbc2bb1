// The screens a start does not need, loaded on first use: the list shows
// before the token page, the wizard, Settings, the Audit screen, the palette
// and the shortcut sheet are even fetched. Each loader runs once; later
// calls get the same (by then settled) promise.

/**
 * A loader run at most once. `loaded` settles when it has run, without
 * starting it; `current` is the module once there, so that a component made
 * after that draws it at once rather than a moment later.
 */
export type Loader<T> = (() => Promise<T>) & { loaded: Promise<T>; current: T | null };

function once<T>(load: () => Promise<T>): Loader<T> {
  let loading: Promise<T> | null = null;
  let done: (module: T) => void = () => {};
  const loader: Loader<T> = Object.assign(
    () =>
      (loading ??= load().then(
        (module) => {
          loader.current = module;
          done(module);
          return module;
        },
        (failure: unknown) => {
          // A file that could not be loaded is tried again on the next use.
          loading = null;
          throw failure;
        },
      )),
    { loaded: new Promise<T>((resolve) => (done = resolve)), current: null },
  );
  return loader;
}

export const loadTokenPage = once(() => import('../screens/token/TokenPage.svelte'));
export const loadWizard = once(() => import('../screens/token-form/CreateTokenWizard.svelte'));
export const loadSettings = once(() => import('../screens/settings/SettingsScreen.svelte'));
export const loadAuditScreen = once(() => import('../screens/audit/AuditScreen.svelte'));
export const loadPalette = once(() => import('../features/palette/CommandPalette.svelte'));
export const loadShortcuts = once(() => import('../features/shortcuts/ShortcutSheet.svelte'));
export const loadWelcome = once(() => import('../screens/connect/WelcomeScreen.svelte'));
export const loadModalDialog = once(() => import('../components/ModalDialog.svelte'));
export const loadConfirmDialog = once(() => import('../components/ConfirmDialogContent.svelte'));
export const loadCopyAsMenu = once(() => import('../features/clipboard/CopyAsMenu.svelte'));
export const loadConnectionMenu = once(() => import('../screens/connections/ConnectionMenu.svelte'));
export const loadCliImport = once(() => import('../features/cli-import/CliImport.svelte'));
export const loadSelectionBar = once(() => import('../features/bulk/SelectionBar.svelte'));

/**
 * Fetches what the first use of the main screens needs (dialogs, menus, the
 * token page) once the first rows are drawn and the page is idle, so that no
 * click then waits for a file.
 */
export function preloadAfterFirstRows(): void {
  const later = (work: () => void) =>
    typeof requestIdleCallback === 'function' ? requestIdleCallback(work, { timeout: 2000 }) : setTimeout(work, 200);
  later(() => void preloadNow());
}

/** Fetches the menus, the dialogs and the token page now. */
export async function preloadNow(): Promise<void> {
  await Promise.all([
    loadConnectionMenu(),
    loadModalDialog(),
    loadConfirmDialog(),
    loadCopyAsMenu(),
    loadCliImport(),
    loadSelectionBar(),
    loadTokenPage(),
  ]);
}
