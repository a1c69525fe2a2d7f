// The visible (and optionally audible and tactile) breathing guide.
//
// DOM only: the timing comes from pacer-clock.js, which computes every moment from a clock. This
// module draws a given state: it scales the orb through the --breath-scale custom property (or,
// with prefers-reduced-motion, changes only its opacity), writes the phase word, and gives a soft
// cue when a phase begins: a short tone, and one vibration pulse for "in", two for "out".

import { createChime } from './chime.js';

const WORDS = { inhale: 'Breathe in', 'hold-in': 'Hold', exhale: 'Breathe out', 'hold-out': 'Rest' };

// The page may give the phase words in the member's language (data-word-inhale and so on, from the
// template's {% translate %}); a word it leaves out stays English.
function pageWords(root) {
  const d = root.dataset || {};
  return {
    inhale: d.wordInhale || WORDS.inhale,
    'hold-in': d.wordHoldIn || WORDS['hold-in'],
    exhale: d.wordExhale || WORDS.exhale,
    'hold-out': d.wordHoldOut || WORDS['hold-out'],
  };
}
const MIN_SCALE = 0.42;

export function createPacerView(root, { soundToggle = null, vibrateToggle = null } = {}) {
  const orbHost = root; // .pacer: holds --breath-scale
  const label = root.querySelector('.pacer-label');
  const words = pageWords(root);
  const motion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  let lastPhase = null;
  const chime = createChime();

  function reduced() {
    return Boolean(motion && motion.matches);
  }

  function tone(phase) {
    if (!phase || !soundToggle || !soundToggle.checked) return;
    // A low, warm pair: rising into the in-breath, lower for the out-breath.
    chime(phase === 'inhale' ? 330 : 247, { peak: 0.06, riseS: 0.08, fadeS: 0.9, stopS: 1 });
  }

  function buzz(phase) {
    if (!vibrateToggle || !vibrateToggle.checked || !navigator.vibrate) return;
    if (phase === 'inhale') navigator.vibrate(70);
    else if (phase === 'exhale') navigator.vibrate([70, 110, 70]);
  }

  // A sound needs a user gesture to start on most browsers: unlock it when the toggle is used.
  if (soundToggle) {
    soundToggle.addEventListener('change', () => {
      if (soundToggle.checked) tone('inhale');
    });
  }

  return {
    /** Draw `state` from phaseAt() / timeline.state(). */
    render(state) {
      const level = state.breathLevel;
      orbHost.dataset.reduced = reduced() ? 'true' : 'false';
      if (reduced()) {
        orbHost.style.setProperty('--breath-opacity', (0.35 + 0.6 * level).toFixed(3));
      } else {
        orbHost.style.setProperty('--breath-scale', (MIN_SCALE + (1 - MIN_SCALE) * level).toFixed(4));
      }
      if (state.phase !== lastPhase) {
        if (lastPhase !== null || state.elapsedMs < 300) {
          tone(state.phase === 'inhale' || state.phase === 'exhale' ? state.phase : null);
          buzz(state.phase);
        }
        lastPhase = state.phase;
        if (label) label.textContent = words[state.phase] || '';
      }
    },
    reset() {
      lastPhase = null;
      orbHost.style.setProperty('--breath-scale', String(MIN_SCALE));
      if (label) label.textContent = '';
    },
    wordFor(phase) {
      return words[phase] || '';
    },
  };
}
