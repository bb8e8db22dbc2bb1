// Start-up marks: where the time to the first token rows goes. `make bench`
// reads them (`performance.mark`, names `td:…`) beside the page's own load
// timing; each is set once per page, at its first occurrence.

const done = new Set<string>();

/** Marks the first time the page reaches `name` (`performance.mark('td:' + name)`). */
export function markOnce(name: string): void {
  if (done.has(name) || typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  done.add(name);
  performance.mark(`td:${name}`);
}
