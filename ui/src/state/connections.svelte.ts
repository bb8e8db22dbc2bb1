// The saved connections and which one is in use, kept current by the
// backend's `connections-changed-event` (whoever made the change).

import type { Connection, DeskError, NewConnection } from '../lib/bindings';
import { asDeskError, call, commands, events } from '../lib/desk';
import { markOnce } from '../lib/marks';

/** The connections the app knows, as every screen sees them. */
class ConnectionsState {
  /** Saved connections, then the demo when it runs. */
  list = $state.raw<Connection[]>([]);
  /** The connection in use. */
  activeId = $state<string | null>(null);
  /** A problem with the saved connections (a damaged file), to show once. */
  notice = $state<DeskError | null>(null);
  /** Where a damaged connections file was set aside, while it can be put back. */
  setAside = $state<string | null>(null);
  /** Files Token Desk keeps that were refused (their seal did not match). */
  fileNotices = $state.raw<DeskError[]>([]);
  /** True once the first load answered. */
  loaded = $state(false);
  /** Why the connections could not be read at all. */
  loadError = $state<DeskError | null>(null);

  /** The connection in use, if any. */
  active = $derived(this.list.find((connection) => connection.id === this.activeId) ?? null);

  /** Reads the connections from the backend. */
  async load(): Promise<void> {
    try {
      const answer = await commands.listConnections();
      this.list = answer.connections;
      // Open on the last active connection; else the first one there is.
      this.activeId = answer.activeId ?? answer.connections[0]?.id ?? null;
      this.notice = answer.notice;
      this.setAside = answer.setAside;
      this.fileNotices = answer.fileNotices;
      this.loadError = null;
    } catch (thrown) {
      this.loadError = asDeskError(thrown);
    } finally {
      this.loaded = true;
      markOnce('connections read');
    }
  }

  /** Reloads whenever the backend says the connections changed; returns the unsubscribe. */
  async follow(): Promise<() => void> {
    return events.connectionsChangedEvent.listen(() => void this.load());
  }

  /** Checks a secret with the Marketplace, saves the connection and opens it. */
  async add(connection: NewConnection): Promise<Connection> {
    const added = await call(commands.addConnection(connection));
    await this.use(added.id);
    return added;
  }

  /** Starts (or reopens) the built-in demo and opens it. */
  async startDemo(): Promise<Connection> {
    const demo = await call(commands.startDemo());
    this.upsert(demo);
    this.activeId = demo.id;
    return demo;
  }

  /** Makes `id` the connection in use (remembered for the next start). */
  async use(id: string): Promise<void> {
    await call(commands.setActiveConnection(id));
    this.activeId = id;
    await this.load();
  }

  /** Renames a connection. */
  async rename(id: string, label: string): Promise<void> {
    this.upsert(await call(commands.renameConnection(id, label)));
  }

  /** Gives a connection another colour. */
  async recolour(id: string, colour: string): Promise<void> {
    this.upsert(await call(commands.recolourConnection(id, colour)));
  }

  /**
   * Removes a connection and its secret from the keychain; `evenWithoutKeychain`
   * forgets it even when the keychain cannot be reached (after a warning).
   */
  async remove(id: string, evenWithoutKeychain = false): Promise<void> {
    await call(commands.removeConnection(id, evenWithoutKeychain));
    this.list = this.list.filter((connection) => connection.id !== id);
    if (this.activeId === id) this.activeId = this.list[0]?.id ?? null;
    await this.load();
  }

  /** Forgets everything (component tests start from nothing). */
  reset(): void {
    this.list = [];
    this.activeId = null;
    this.notice = null;
    this.setAside = null;
    this.fileNotices = [];
    this.loaded = false;
    this.loadError = null;
  }

  private upsert(connection: Connection): void {
    const others = this.list.filter((existing) => existing.id !== connection.id);
    const at = this.list.findIndex((existing) => existing.id === connection.id);
    this.list = at < 0 ? [...others, connection] : this.list.map((c) => (c.id === connection.id ? connection : c));
  }
}

/** The app's connections. */
export const connections = new ConnectionsState();
