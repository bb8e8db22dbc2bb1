// Whether Token Desk is locked, and whether it is presenting: followed from the
// backend's lock-changed-event, whoever locked (Ctrl+L, the tray, the idle
// timer, the session). The backend enforces the lock; the window only shows it.

import type { DeskError, LockStatus } from '../lib/bindings';
import { asDeskError, call, commands, events } from '../lib/desk';

/** How often, at most, the window tells the backend the person is there. */
const ACTIVITY_EVERY_MS = 20_000;

class LockState {
  /** The lock as the backend last said. */
  status = $state<LockStatus>({ locked: false, reason: null, presenting: false });
  /** Why the last unlock did not work. */
  failure = $state<DeskError | null>(null);
  /** An unlock is waiting for the system's password prompt. */
  unlocking = $state(false);
  private lastActivity = 0;

  /** Reads the lock, then follows it; returns the unsubscribe. */
  async follow(): Promise<() => void> {
    const stop = await events.lockChangedEvent.listen((event) => this.adopt(event.payload));
    this.adopt(await commands.lockStatus());
    return stop;
  }

  /** Locks now (Ctrl+L, the header's button). */
  async lock(): Promise<void> {
    this.adopt(await call(commands.lock()));
  }

  /** Asks the system who is at the keyboard, and unlocks when it confirms. */
  async unlock(): Promise<void> {
    this.unlocking = true;
    this.failure = null;
    try {
      this.adopt(await call(commands.unlock()));
    } catch (thrown) {
      this.failure = asDeskError(thrown);
    } finally {
      this.unlocking = false;
    }
  }

  /** Turns the presenting mode on or off. */
  async setPresenting(on: boolean): Promise<void> {
    this.adopt(await commands.setPresenting(on));
  }

  /** A key or a click: tells the backend, at most every 20 s, so the idle timer starts again. */
  noteActivity(): void {
    const now = Date.now();
    if (this.status.locked || now - this.lastActivity < ACTIVITY_EVERY_MS) return;
    this.lastActivity = now;
    void commands.noteActivity();
  }

  /** Forgets everything (component tests start from nothing). */
  reset(): void {
    this.status = { locked: false, reason: null, presenting: false };
    this.failure = null;
    this.unlocking = false;
    this.lastActivity = 0;
  }

  private adopt(status: LockStatus): void {
    if (!status.locked) this.failure = null;
    this.status = status;
  }
}

/** The lock, as every screen sees it. */
export const lock = new LockState();
