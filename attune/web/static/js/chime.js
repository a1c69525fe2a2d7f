// A soft sine tone for a cue (a breathing phase, a swap of roles), through Web Audio.
//
// Each caller keeps its own chime: the audio context is made on the first tone, which most
// browsers allow only after a user gesture, and resumed if the browser has suspended it.

/**
 * @returns {(hz: number, shape: {peak: number, riseS: number, fadeS: number, stopS: number, delayS?: number}) => void}
 *   plays a tone of `hz`, `delayS` from now: from silence up to the gain `peak` in `riseS` seconds,
 *   down to silence at `fadeS`, stopped at `stopS`. Does nothing where Web Audio is missing.
 */
export function createChime() {
  let audio = null;
  return function chime(hz, { peak, riseS, fadeS, stopS, delayS = 0 }) {
    const Ctx = globalThis.window ? window.AudioContext || window.webkitAudioContext : undefined;
    if (!Ctx) return;
    if (!audio) audio = new Ctx();
    if (audio.state === 'suspended') audio.resume();
    const t = audio.currentTime + delayS;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(hz, t);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(peak, t + riseS);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + fadeS);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + stopS);
  };
}
