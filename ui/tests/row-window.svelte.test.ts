// The token list's window onto its rows: which rows are drawn for a scroll
// position, and how far keyboard moves scroll, for lists of any length.

import { describe, expect, it } from 'vitest';
import { RowWindow } from '../src/lib/row-window.svelte';

/** A scroller as the window reads it: its scroll position, its height and its scroll events. */
function scroller(clientHeight: number) {
  const listeners: (() => void)[] = [];
  return {
    scrollTop: 0,
    clientHeight,
    addEventListener: (_: string, listener: () => void) => listeners.push(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.splice(listeners.indexOf(listener), 1),
    scrollTo(top: number) {
      this.scrollTop = top;
      for (const listener of listeners) listener();
    },
    listeners,
  };
}

describe('the rows drawn', () => {
  it('are the rows in view below the header, and the overscan on each side', () => {
    let count = $state(100_000);
    const view = new RowWindow(() => count, 44, 36, 4);
    const element = scroller(36 + 44 * 10);
    const stop = view.follow(element as unknown as HTMLElement);
    expect(view.rows.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(view.totalHeight).toBe(4_400_000);
    // Scrolled half a row into row 500: rows 500 to 510 show, 496 to 514 are drawn.
    element.scrollTo(500 * 44 + 22);
    const indexes = view.rows.map((row) => row.index);
    expect(indexes[0]).toBe(496);
    expect(indexes[indexes.length - 1]).toBe(515);
    expect(view.rows[4]).toEqual({ index: 500, start: 22_000 });
    // A search leaves 5 rows: all of them, however far the list was scrolled.
    count = 5;
    // Before the browser clamps the scroll (and says so), the rows are the last ones, not none.
    expect(view.rows.map((row) => row.index)).toEqual([0, 1, 2, 3, 4]);
    element.scrollTo(0);
    expect(view.rows.map((row) => row.index)).toEqual([0, 1, 2, 3, 4]);
    count = 0;
    expect(view.rows).toEqual([]);
    stop();
    expect(element.listeners).toHaveLength(0);
  });
});

describe('a row brought into view', () => {
  it('scrolls only as far as needed to show it whole below the header', () => {
    const view = new RowWindow(() => 1_000, 44, 36, 4);
    const element = scroller(36 + 440);
    view.follow(element as unknown as HTMLElement);
    view.scrollIntoView(element as unknown as HTMLElement, 5);
    expect(element.scrollTop).toBe(0);
    // Row 10 is the first below the ten in view: its bottom lines up with the window's.
    view.scrollIntoView(element as unknown as HTMLElement, 10);
    expect(element.scrollTop).toBe(44);
    view.scrollIntoView(element as unknown as HTMLElement, 999);
    expect(element.scrollTop).toBe(1_000 * 44 - 440);
    // Back up: the row goes to the top, just under the header.
    view.scrollIntoView(element as unknown as HTMLElement, 3);
    expect(element.scrollTop).toBe(3 * 44);
    expect(view.rows[0].index).toBe(0);
  });
});
