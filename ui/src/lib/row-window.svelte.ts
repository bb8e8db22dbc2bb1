// Which rows of a long list of equal-height rows the scroller shows. With
// every row the same height, where a row sits is arithmetic, so nothing is
// kept or computed per row: a list going from 5 matches to 100,000 (a search
// cleared) costs what 5 do. @tanstack/virtual, used before, builds an object
// per row whenever the count changes (100,000 objects on every cleared
// search, and held for as long as the list is shown).

/** A row to draw: its index in the list, and its top within the rows' area. */
export interface WindowRow {
  readonly index: number;
  readonly start: number;
}

/** The visible rows of a scroller whose content is a header of `headerHeight`, then `count()` rows of `rowHeight`. */
export class RowWindow {
  private scrollTop = $state(0);
  // Until the scroller is measured (or where nothing lays out, as in jsdom): a typical window.
  private viewportHeight = $state(600);

  /** The rows in view, with `overscan` more on each side. */
  readonly rows: WindowRow[] = $derived.by(() => this.visible(this.scrollTop, this.viewportHeight, this.count()));

  /** The rows' area's height. */
  readonly totalHeight = $derived(this.count() * this.rowHeight);

  constructor(
    /** How many rows the list has; read reactively. */
    private readonly count: () => number,
    private readonly rowHeight: number,
    private readonly headerHeight: number,
    private readonly overscan: number,
  ) {}

  private visible(scrollTop: number, viewportHeight: number, count: number): WindowRow[] {
    if (count === 0) return [];
    const shown = Math.max(0, viewportHeight - this.headerHeight);
    // A list that just got shorter than the scroll position: the browser will clamp the
    // scroll, and until its scroll event the rows shown are the last ones, not none.
    const top = Math.min(scrollTop, Math.max(0, count * this.rowHeight - shown));
    const first = Math.max(0, Math.floor(top / this.rowHeight) - this.overscan);
    const last = Math.min(count - 1, Math.ceil((top + shown) / this.rowHeight) + this.overscan);
    const rows: WindowRow[] = [];
    for (let index = first; index <= last; index++) rows.push({ index, start: index * this.rowHeight });
    return rows;
  }

  /** Follows `scroller`'s scrolling and size; returns what stops following. */
  follow(scroller: HTMLElement): () => void {
    const read = () => {
      this.scrollTop = scroller.scrollTop;
      if (scroller.clientHeight > 0) this.viewportHeight = scroller.clientHeight;
    };
    read();
    scroller.addEventListener('scroll', read, { passive: true });
    const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(read) : null;
    resized?.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', read);
      resized?.disconnect();
    };
  }

  /** Scrolls `scroller` just enough to show row `index` whole, below the header. */
  scrollIntoView(scroller: HTMLElement, index: number): void {
    const top = index * this.rowHeight;
    const height = scroller.clientHeight > 0 ? scroller.clientHeight : this.viewportHeight;
    const shown = Math.max(this.rowHeight, height - this.headerHeight);
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + this.rowHeight > scroller.scrollTop + shown) scroller.scrollTop = top + this.rowHeight - shown;
    this.scrollTop = scroller.scrollTop;
  }
}
