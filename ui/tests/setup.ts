// jsdom has no layout: every element measures 0×0, so the virtualised token
// table would render no rows. Give elements a fixed size, the one thing
// @tanstack/virtual reads (offsetWidth/offsetHeight of the scroll element).

Object.defineProperties(HTMLElement.prototype, {
  offsetHeight: { configurable: true, get: () => 600 },
  offsetWidth: { configurable: true, get: () => 1000 },
});

// ResizeObserver is absent too. The virtualiser works without it, but the
// palette's list (bits-ui Command) constructs one to size itself: with no
// layout there is never a size change to report, so an observer that reports
// nothing is what a real one would do here.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

// The app fetches its menus and dialogs once the first rows are drawn; the
// component tests start from there. (Under Vitest a first import of bits-ui
// is transformed on the spot and takes seconds, where the app takes
// milliseconds; loaded here, no test's own time limit pays for it.)
import { beforeAll } from 'vitest';
import { preloadNow } from '../src/lib/lazy';

beforeAll(preloadNow, 60_000);
