// Drives the shared pacer view (pacer.js) from a clock-based timeline (pacer-clock.js) on the live
// screens. Every frame reads the timeline, so a slow frame never shifts the rhythm.

import { createPacerTimeline, phaseAt } from './pacer-clock.js';
import { createPacerView } from './pacer.js';

/**
 * @param {HTMLElement} root the `.pacer` element (with .pacer-orb and .pacer-label inside)
 * @param {object} pattern from pacer-clock.js
 * @param {object} [options]
 * @param {{now(): number}} [options.clock]
 */
export function mountPacer(root, pattern, { clock = { now: () => performance.now() } } = {}) {
  const view = createPacerView(root);
  let timeline = createPacerTimeline(pattern, clock);
  let frame = null;

  function draw() {
    const s = timeline.state();
    view.render(s);
    frame = s.status === 'running' ? requestAnimationFrame(draw) : null;
  }

  return {
    start() {
      timeline.start();
      root.dataset.running = 'true';
      if (frame === null) frame = requestAnimationFrame(draw);
    },
    stop() {
      timeline.stop();
      root.dataset.running = 'false';
      if (frame !== null) cancelAnimationFrame(frame);
      frame = null;
    },
    /** Breath level 0..1 at clock time `atMs`, or null before the pacer started. */
    levelAt(atMs) {
      const elapsed = timeline.elapsedMs() - (clock.now() - atMs);
      return elapsed < 0 ? null : phaseAt(timeline.pattern, elapsed).breathLevel;
    },
    /** Clock time at which the pacer started. */
    startedAtMs() {
      return clock.now() - timeline.elapsedMs();
    },
    get pattern() {
      return timeline.pattern;
    },
  };
}
