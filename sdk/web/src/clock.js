// The clock seam: timers and "now" come from here so tests can drive time by hand.

/**
 * @typedef {object} Clock
 * @property {() => number} now milliseconds on a monotonic clock
 * @property {(fn: () => void, ms: number) => any} setTimeout
 * @property {(id: any) => void} clearTimeout
 */

/** @type {Clock} */
export const realClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

/** Resolves after ms on the given clock. */
export function sleep(clock, ms) {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
