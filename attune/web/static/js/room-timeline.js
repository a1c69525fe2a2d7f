// Where a room is on its plan at a server time: the browser's half of attune/web/rooms/timeline.py.
//
// Pure module. The server owns the timeline (an anchor step and the server time it began, a
// pause, extensions, consent gates); every screen walks the plan's durations from the anchor to
// the shared server time, so all of them change step at the same instant without a message.

const LOBBY = 'lobby';
const PAUSED = 'paused';
const ENDED = 'ended';

export function stepIsActive(plan, timeline, index) {
  const step = plan.steps[index];
  const declined = timeline.gates[String(step.item)] === 'declined';
  return Boolean(step.solo) === declined;
}

export function stepMs(plan, timeline, index) {
  return (plan.steps[index].seconds + (timeline.extra[String(index)] || 0)) * 1000;
}

function waitsForConsent(plan, timeline, index) {
  const step = plan.steps[index];
  return Boolean(plan.gated && step.gate) && !(String(step.item) in timeline.gates);
}

function firstActive(plan, timeline, index) {
  for (let i = index; i < plan.steps.length; i += 1) if (stepIsActive(plan, timeline, i)) return i;
  return null;
}

/**
 * @returns {{state: string, step: number|null, startMs: number|null, endMs: number|null}}
 *   `state` is lobby, running, paused, consent (waiting at a gate), finished or ended.
 */
export function positionAt(plan, timeline, serverNowMs) {
  const { status } = timeline;
  if (status === LOBBY || status === ENDED) return { state: status, step: null, startMs: null, endMs: null };
  const t = status === PAUSED ? timeline.paused_ms : serverNowMs;
  let index = timeline.anchor_step;
  let start = timeline.anchor_ms;
  for (;;) {
    index = firstActive(plan, timeline, index);
    if (index === null) return { state: 'finished', step: null, startMs: start, endMs: null };
    if (waitsForConsent(plan, timeline, index)) return { state: 'consent', step: index, startMs: null, endMs: null };
    const end = start + stepMs(plan, timeline, index);
    if (t < end) return { state: status, step: index, startMs: start, endMs: end };
    start = end;
    index += 1;
  }
}

/** Elapsed ms within the current step at `serverNowMs` (frozen while paused). */
export function stepElapsedMs(timeline, position, serverNowMs) {
  if (position.startMs === null) return 0;
  const t = timeline.status === PAUSED ? timeline.paused_ms : serverNowMs;
  return Math.max(0, t - position.startMs);
}

/** Who leads a step done in turns: 'you', 'partner' or null (done together). */
export function leadFor(step, firstLead, you) {
  if (!step || !step.lead) return null;
  const firstIsYou = firstLead === you;
  return (step.lead === 'first') === firstIsYou ? 'you' : 'partner';
}

/** How long before a swap of roles the screens show a soft cue to finish the thought. */
export const SWAP_CUE_MS = 15000;

function roleIn(step, firstLead, you) {
  const who = leadFor(step, firstLead, you);
  return who === null ? null : who === 'you' ? 'lead' : 'follow';
}

/**
 * The turn at a moment, for steps done in turns (honest conversation, leading a breath).
 *
 * A turn is the run of consecutive steps in which this person keeps the same role, so the turn
 * timer counts down to the moment the roles swap, not to the end of a step that changes nothing.
 * Every screen computes it from the same server time, so both see the swap at the same instant.
 *
 * @returns {null | {mine: 'lead'|'follow', next: 'lead'|'follow'|null, leftMs: number,
 *   totalMs: number, cue: boolean}} `next` is the role after this turn (null when turns end);
 *   `cue` is true in the last SWAP_CUE_MS of a turn that is followed by a swap.
 */
export function turnAt(plan, timeline, position, firstLead, you, serverNowMs) {
  if (position.step === null || position.startMs === null || (position.state !== 'running' && position.state !== PAUSED)) return null;
  const here = plan.steps[position.step];
  const mine = roleIn(here, firstLead, you);
  if (mine === null) return null;
  // Back to where this turn began (steps already run, in this person's same role).
  let beforeMs = 0;
  for (let i = position.step - 1; i >= 0; i -= 1) {
    if (!stepIsActive(plan, timeline, i)) continue;
    if (plan.steps[i].item !== here.item || roleIn(plan.steps[i], firstLead, you) !== mine) break;
    beforeMs += stepMs(plan, timeline, i);
  }
  // On to where it ends: the first active step in which the role differs (or has none).
  let afterMs = 0;
  let next = null;
  for (let i = position.step + 1; i < plan.steps.length; i += 1) {
    if (!stepIsActive(plan, timeline, i)) continue;
    const role = plan.steps[i].item === here.item ? roleIn(plan.steps[i], firstLead, you) : null;
    if (role !== mine || waitsForConsent(plan, timeline, i)) {
      next = role;
      break;
    }
    afterMs += stepMs(plan, timeline, i);
  }
  const elapsed = stepElapsedMs(timeline, position, serverNowMs);
  const stepTotal = position.endMs - position.startMs;
  const leftMs = Math.max(0, stepTotal - elapsed) + afterMs;
  return { mine, next, leftMs, totalMs: beforeMs + stepTotal + afterMs, cue: next !== null && leftMs <= SWAP_CUE_MS };
}
