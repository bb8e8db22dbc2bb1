// jsdom has no layout: every element measures 0×0, so the virtualised token
// table would render no rows. Give elements a fixed size, the one thing
// @tanstack/virtual reads (offsetWidth/offsetHeight of the scroll element).
// ResizeObserver is absent too; the virtualiser works without it, so it is
// left out rather than faked.

Object.defineProperties(HTMLElement.prototype, {
  offsetHeight: { configurable: true, get: () => 600 },
  offsetWidth: { configurable: true, get: () => 1000 },
});
