// How the command palette ranks what it finds: an exact id first, then names
// that start with the query, names with a word that does, names that hold it,
// and descriptions last. Plain and predictable: what a person expects to see
// first for what they typed.

/** Something the palette can find. */
export interface Findable {
  /** The main text: a token's or an action's name. */
  label: string;
  /** An id that may be typed whole or in part (`TKN-1234-5678`). */
  id?: string;
  /** Longer text searched last (a description), and other words for an action. */
  extra?: string | null;
}

/** How well `item` matches `query`: 0 is no match, higher is better. */
export function paletteScore(item: Findable, query: string): number {
  const wanted = query.trim().toLowerCase();
  if (!wanted) return 1;
  const label = item.label.toLowerCase();
  const id = item.id?.toLowerCase() ?? '';
  if (id && id === wanted) return 100;
  if (label === wanted) return 95;
  if (id && id.startsWith(wanted)) return 90;
  if (label.startsWith(wanted)) return 80;
  if (label.split(/[\s\-_./]+/).some((word) => word.startsWith(wanted))) return 70;
  if (label.includes(wanted)) return 60;
  if (id && id.includes(wanted)) return 50;
  if (item.extra?.toLowerCase().includes(wanted)) return 30;
  return 0;
}

/** The `most` best matches of `query` in `items`, best first; ties keep their order. */
export function bestMatches<T extends Findable>(items: readonly T[], query: string, most: number): T[] {
  const scored: { item: T; score: number; at: number }[] = [];
  items.forEach((item, at) => {
    const score = paletteScore(item, query);
    if (score > 0) scored.push({ item, score, at });
  });
  scored.sort((a, b) => b.score - a.score || a.at - b.at);
  return scored.slice(0, most).map((entry) => entry.item);
}
