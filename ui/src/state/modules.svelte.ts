// The modules a connection's account may give its tokens, fetched once per
// connection and shared by the create wizard and the edit dialog.

import type { DeskError, ModuleView } from '../lib/bindings';
import { asDeskError, call, commands } from '../lib/desk';

class AssignableModules {
  /** The connection the list belongs to. */
  connectionId = $state<string | null>(null);
  /** The modules; null until loaded. */
  modules = $state.raw<ModuleView[] | null>(null);
  loading = $state(false);
  failure = $state<DeskError | null>(null);

  /** Loads them for `connectionId` unless they are already here. */
  async ensure(connectionId: string): Promise<void> {
    if (this.connectionId === connectionId && (this.modules !== null || this.loading)) return;
    this.connectionId = connectionId;
    this.modules = null;
    this.failure = null;
    this.loading = true;
    try {
      const modules = await call(commands.assignableModules(connectionId));
      if (this.connectionId === connectionId) this.modules = modules;
    } catch (thrown) {
      if (this.connectionId === connectionId) this.failure = asDeskError(thrown);
    } finally {
      if (this.connectionId === connectionId) this.loading = false;
    }
  }

  /** Loads them again (after a failure). */
  retry(): void {
    const id = this.connectionId;
    this.connectionId = null;
    if (id) void this.ensure(id);
  }

  /** Forgets them (component tests). */
  reset(): void {
    this.connectionId = null;
    this.modules = null;
    this.loading = false;
    this.failure = null;
  }
}

/** The assignable modules of the connection in use. */
export const assignableModules = new AssignableModules();
