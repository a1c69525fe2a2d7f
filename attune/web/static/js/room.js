// A shared room (pair practice, workshop, guide's console, projector): every screen draws the
// same step and the same breath from the server's clock. Timing is pure (room-timeline.js,
// pacer-clock.js, clock-sync.js); this module wires the DOM and the socket.

import { createChime } from './chime.js';
import { makePattern, phaseAt } from './pacer-clock.js';
import { createPacerView } from './pacer.js';
import { leadFor, positionAt, stepElapsedMs, turnAt } from './room-timeline.js';
import { connectRoom } from './room-socket.js';
import { beatsBefore, scaled, trimBeats, WINDOW_MS } from './room-hearts.js';
import { createDemoSource, createStrapSource, webBluetoothAvailable } from './hr-sensor.js';
import { $, formatClock, post, readJson, readingValues } from './session.js';
import { say } from './words.js';

const data = readJson('room-data');
const setHidden = (id, hidden) => {
  const el = $(id);
  if (el) el.hidden = hidden;
};
// A number with exactly `digits` decimals, with the page's decimal mark (3,0 in German).
const fixed = (x, digits) => new Intl.NumberFormat(document.documentElement.lang || 'en',
  { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
const setText = (id, text) => {
  const el = $(id);
  if (el && el.textContent !== text) el.textContent = text;
};

let roomApi = null;
let roomPatterns = [];
let currentState = () => null;

if (data) {
  const { plan } = data;
  const you = data.you;
  const patterns = plan.steps.map((s) =>
    s.pacer ? makePattern({ ...s.pacer, calming: plan.items[s.item].calming && !(s.pacer.holdIn || s.pacer.holdOut) }) : null,
  );
  let state = data.state;
  let present = data.present;
  let answered = { ...you.consent };
  const pacerRoot = $('pacer');
  const view = pacerRoot ? createPacerView(pacerRoot, { soundToggle: $('opt-sound'), vibrateToggle: $('opt-vibrate') }) : null;
  let shownStep = null;
  let shownState = null;

  roomPatterns = patterns;
  currentState = () => state;
  const room = connectRoom(data.wsPath, {
    onStatus(status, code) {
      setText('connection', status === 'reconnecting' ? say('Reconnecting…') : '');
      if (status === 'closed') {
        setHidden('removed', code !== 4403);
        const closedText = {
          4404: say('This room is closed.'),
          4401: say('You are signed out. Sign in again to come back.'),
        };
        setText('connection', closedText[code] || '');
      }
    },
    onMessage(message) {
      if (message.type === 'welcome') {
        answered = { ...message.you.consent };
        take(message.state);
      } else if (message.type === 'timeline') {
        take(message.state);
      } else if (message.type === 'joined') {
        present = message.present;
        shownState = null;
      } else if (message.type === 'consent') {
        answered[String(message.item)] = message.answer;
        shownState = null;
      } else if (message.type === 'shared' && message.participant !== you.participant) {
        showPartnerShift(message.shared ? message.shift : null);
      } else if (message.type === 'shift') {
        showShift(message.shift);
      } else if (message.type === 'heart') {
        hearts.partner.push(...beatsBefore(message.rr_ms, message.server_ms));
        partnerDemo = message.demo;
        partnerLastMs = message.server_ms;
      } else if (message.type === 'synchrony') {
        showSynchrony(message);
      } else if (message.type === 'straps') {
        showStraps(message);
      } else if (message.type === 'removed') {
        setHidden('removed', false);
      } else if (message.type === 'error') {
        setText('status', say(message.message));
      }
    },
  });

  function take(next) {
    if (next.version >= state.version) state = next;
    shownState = null;
    shownStep = null;
  }

  // Whose turn it is, by the role that is yours (a pair's roles are lead/follow or speak/listen).
  const ROLE_LINES = {
    lead: 'Your turn to lead; your partner will follow.',
    follow: 'Your turn to follow; your partner will lead.',
    speak: 'Your turn to speak; your partner will listen.',
    listen: 'Your turn to listen; your partner will speak.',
  };
  function roleText(step) {
    const who = leadFor(step, state.first_lead, you.participant);
    if (!who || !data.kind || data.kind !== 'pair') return '';
    const [lead, follow] = plan.items[step.item].roles;
    const mine = who === 'you' ? lead : follow;
    return ROLE_LINES[mine] ? say(ROLE_LINES[mine]) : '';
  }

  // Honest conversation: what each role is for, beside the turn timer.
  const HINTS = {
    speak: 'Say what is true for you, as it is. There is nothing to tidy up or get right.',
    listen: 'Listen without fixing: no advice, no rescue, no story of your own. Just take it in.',
  };
  // The cue before a swap, by the role that comes next.
  const CUES = {
    listen: 'In a moment you swap: you might finish your thought; then it is your turn to listen.',
    speak: 'In a moment you swap: then it is your turn to speak.',
    lead: 'In a moment you swap: then it is your turn to lead the breath.',
    follow: 'In a moment you swap: then it is your turn to follow.',
  };
  const chime = createChime();
  // A soft cue to swap: one low tone (two at the swap itself) and a light pulse, only if chosen.
  function swapCue(notes) {
    if ($('opt-vibrate')?.checked && navigator.vibrate) navigator.vibrate(notes === 1 ? 40 : [40, 120, 40]);
    if (!$('opt-sound')?.checked) return;
    for (let n = 0; n < notes; n += 1) {
      chime(n === 0 ? 262 : 330, { delayS: n * 0.45, peak: 0.05, riseS: 0.1, fadeS: 1.2, stopS: 1.3 });
    }
  }
  let lastTurn = null; // `${role}` of the turn last drawn, to notice the swap and the cue's start

  function renderTurn(pos, now) {
    const turn = data.kind === 'pair' ? turnAt(plan, state, pos, state.first_lead, you.participant, now) : null;
    setHidden('turn', !turn);
    // One countdown is enough when the turn ends with the step.
    setHidden('timer', Boolean(turn) && turn.leftMs === pos.endMs - pos.startMs - stepElapsedMs(state, pos, now));
    if (!turn) {
      lastTurn = null;
      return;
    }
    const roles = plan.items[plan.steps[pos.step].item].roles || ['lead', 'follow'];
    const role = turn.mine === 'lead' ? roles[0] : roles[1];
    const next = turn.next === null ? null : turn.next === 'lead' ? roles[0] : roles[1];
    setText('turn-hint', HINTS[role] ? say(HINTS[role]) : '');
    setHidden('turn-hint', !HINTS[role]);
    const progress = $('turn-progress');
    if (progress) progress.value = turn.totalMs ? 1 - turn.leftMs / turn.totalMs : 0;
    setText('turn-left', say('%(time)s left in this turn', { time: formatClock(turn.leftMs) }));
    setText('turn-cue', turn.cue && CUES[next] ? say(CUES[next]) : '');
    setHidden('turn-cue', !turn.cue);
    $('turn').classList.toggle('cueing', turn.cue && state.status !== 'paused');
    const key = `${pos.step}:${turn.mine}:${turn.cue}`;
    if (lastTurn !== null && state.status === 'running') {
      const [, wasRole, wasCue] = lastTurn.split(':');
      if (wasRole !== turn.mine) swapCue(2);
      else if (wasCue === 'false' && turn.cue) swapCue(1);
    }
    lastTurn = key;
  }

  function showSection(name) {
    for (const id of ['lobby', 'run', 'after', 'done', 'ended-early']) setHidden(id, id !== name);
  }

  function renderConsent(step) {
    const item = plan.items[step.item];
    setText('consent-title', item.title);
    const mine = answered[String(step.item)];
    setHidden('consent-ask', mine === 'yes');
    setHidden('consent-waiting', mine !== 'yes');
    const solo = item.solo && item.solo.title ? say('If not, you might each do “%(title)s” on your own instead.', { title: item.solo.title }) : '';
    setText('consent-solo', solo);
  }

  function renderStep(pos) {
    const step = plan.steps[pos.step];
    const item = plan.items[step.item];
    const siblings = plan.steps.map((s, i) => i).filter((i) => plan.steps[i].item === step.item && plan.steps[i].solo === step.solo);
    const title = step.solo ? item.solo.title : item.title;
    setText('step-count', siblings.length > 1
      ? say('%(title)s · step %(n)s of %(total)s', { title, n: siblings.indexOf(pos.step) + 1, total: siblings.length })
      : title);
    setText('step-title', step.title);
    setText('step-text', step.text);
    setText('step-role', roleText(step));
    setHidden('step-role', !roleText(step));
    setHidden('skipped', !step.solo);
    if (step.solo) setText('skipped', say('This one is skipped for both of you. You might each do “%(title)s” on your own, side by side.', { title: item.solo.title }));
    setHidden('group-consent', !(item.consent && data.kind !== 'pair'));
    if (item.consent && data.kind !== 'pair') setText('group-solo', item.solo ? `${item.solo.title}: ${item.solo.why}` : '');
    // A question to start from (the practice's prompts): the n-th prompting step offers the n-th.
    const prompts = data.kind === 'pair' && step.prompt && item.prompts ? item.prompts : [];
    const nth = plan.steps.slice(0, pos.step).filter((s) => s.item === step.item && s.prompt).length;
    const speaking = leadFor(step, state.first_lead, you.participant) === 'you';
    const prompt = prompts.length ? prompts[nth % prompts.length] : '';
    setText('turn-prompt', prompts.length
      ? say(speaking ? 'If you like, a place to start: “%(prompt)s” Or anything else.' : 'Your partner might start from: “%(prompt)s”', { prompt })
      : '');
    setHidden('turn-prompt', !prompts.length);
    setHidden('pacer-box', !patterns[pos.step]);
    if (view) view.reset();
    followPacer();
  }

  function frame() {
    const now = room.clock.serverNow();
    const pos = positionAt(plan, state, now);
    const key = `${pos.state}:${pos.step}:${state.version}`;
    if (key !== shownState) {
      shownState = key;
      if (pos.state === 'lobby') {
        showSection('lobby');
        setText('lobby-status', say(data.kind === 'pair' ? (present >= 2 ? 'You are both here.' : 'Waiting for your partner to join…') : 'The guide will begin soon.'));
        const begin = $('btn-begin');
        if (begin) begin.disabled = data.kind === 'pair' && present < 2;
      } else if (pos.state === 'finished' || pos.state === 'ended') {
        showSection(data.readings.after ? 'done' : 'after');
        if (data.projector) showSection('done');
      } else {
        showSection('run');
        setHidden('consent', pos.state !== 'consent');
        setHidden('step', pos.state === 'consent');
        setText('btn-pause', say(state.status === 'paused' ? 'Resume' : 'Pause'));
        setHidden('btn-pause', pos.state === 'consent');
        setHidden('btn-extend', pos.state === 'consent');
        if (pos.state === 'consent') renderConsent(plan.steps[pos.step]);
        else if (pos.step !== shownStep) {
          shownStep = pos.step;
          renderStep(pos);
        }
      }
    }
    if ((pos.state === 'running' || pos.state === 'paused') && pos.step !== null) {
      const elapsed = stepElapsedMs(state, pos, now);
      const total = pos.endMs - pos.startMs;
      setText('timer', say(state.status === 'paused' ? '%(time)s left · paused' : '%(time)s left', { time: formatClock(total - elapsed) }));
      const pattern = patterns[pos.step];
      if (pattern && view) view.render(phaseAt(pattern, elapsed));
      renderTurn(pos, now);
    } else {
      lastTurn = null;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  roomApi = room;

  // For tests and for anyone curious: where this screen thinks the breath is, in server time.
  window.attuneRoom = {
    probe() {
      const now = room.clock.serverNow();
      const pos = positionAt(plan, state, now);
      const pattern = pos.step !== null ? patterns[pos.step] : null;
      const breath = pattern && pos.startMs !== null ? phaseAt(pattern, stepElapsedMs(state, pos, now)) : null;
      return { serverNow: now, offsetMs: room.clock.offsetMs(), rttMs: room.clock.rttMs(), state: pos.state,
        step: pos.step, phase: breath && breath.phase, cycleElapsedMs: breath && breath.cycleElapsedMs,
        cycleMs: pattern && pattern.cycleMs, version: state.version,
        turn: pos.step !== null ? turnAt(plan, state, pos, state.first_lead, you.participant, now) : null,
        hearts: { you: hearts.you.length, partner: hearts.partner.length } };
    },
  };

  const control = (action, extra = {}) => room.send({ type: 'control', action, ...extra });
  const on = (id, fn) => $(id) && $(id).addEventListener('click', fn);
  on('btn-begin', () => control('start'));
  on('btn-pause', () => control(state.status === 'paused' ? 'resume' : 'pause'));
  on('btn-next', () => control('next'));
  on('btn-previous', () => control('previous'));
  on('btn-extend', () => control('extend', { seconds: 60 }));
  on('btn-stop', () => control('stop'));
  on('btn-swap', () => room.send({ type: 'swap' }));
  const consent = (answer) => () => {
    const pos = positionAt(plan, state, room.clock.serverNow());
    if (pos.state === 'consent') room.send({ type: 'consent', item: plan.steps[pos.step].item, answer });
  };
  on('btn-yes', consent('yes'));
  on('btn-not-now', consent('not_now'));
  on('btn-only-pacer', () => {
    document.body.classList.toggle('only-pacer');
    $('btn-only-pacer').textContent = say(document.body.classList.contains('only-pacer') ? 'Show everything' : 'Only the pacer');
  });
  for (const button of document.querySelectorAll('[data-remove]')) {
    button.addEventListener('click', () => {
      if (!button.dataset.sure) {
        // Two taps, so a slip of the thumb never sends anyone away.
        button.dataset.sure = 'yes';
        button.textContent = say('Tap again to ask them to leave');
        return;
      }
      room.send({ type: 'remove', participant: Number(button.dataset.remove) });
      button.closest('li').hidden = true;
    });
  }

  async function saveReading(form, phase) {
    const values = readingValues(form, phase);
    try {
      const answer = await post(data.readingUrl, { phase, ...values });
      data.readings[phase] = true;
      setHidden(`${phase}-crisis`, !answer.lowSafety);
      setText(`${phase}-saved`, say('Saved, just for you.'));
    } catch {
      setText(`${phase}-saved`, say("We couldn't save that just now. The practice goes on."));
    }
    if (phase === 'after') showSection('done');
  }
  for (const phase of ['before', 'after']) {
    const form = $(phase);
    if (!form) continue;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      saveReading(form, phase);
    });
    form.querySelector('[data-action="skip"]')?.addEventListener('click', () => {
      if (phase === 'after') showSection('done');
      else form.hidden = true;
    });
  }
  if (data.readings.before && $('before')) $('before').hidden = true;

  on('btn-share', async () => {
    const sharing = !data.you.sharing;
    await post(data.shareUrl, { share: sharing ? 'yes' : 'no' });
    data.you.sharing = sharing;
    $('btn-share').textContent = say(sharing ? 'Stop sharing my shift' : 'Share my shift with my partner');
  });

  function showPartnerShift(shift) {
    const box = $('partner-shift');
    if (!box) return;
    box.hidden = !shift;
    if (!shift) return;
    const word = (s, st) => [
      s !== null && s !== undefined ? say('felt safety %(n)s', { n: s }) : null,
      st ? say(st.replace('_', ' ')) : null,
    ].filter(Boolean).join(', ') || say('no reading');
    setText('partner-before', word(shift.before_safety, shift.before_state));
    setText('partner-after', word(shift.after_safety, shift.after_state));
  }
  showPartnerShift(data.partnerShift);

  function showShift(shift) {
    const box = $('shift');
    if (!box || !shift) return;
    for (const phase of ['before', 'after']) {
      const s = shift[phase];
      const counts = { answers: s.answers, ...s.states, median: s.safety_median };
      setText(`shift-${phase}`, s.shown
        ? say('%(answers)s answers · settled %(settled)s, activated %(activated)s, shut down %(shut_down)s', counts) +
          (s.safety_median !== null ? say(' · median felt safety %(median)s', counts) : '')
        : say('Shown from %(n)s answers (%(answers)s so far).', { n: shift.min_group, answers: s.answers }));
    }
    const change = shift.change_median;
    setText('shift-change', change !== null
      ? say('Median change in felt safety: %(change)s', { change: `${change > 0 ? '+' : ''}${change}` })
      : '');
  }
}

// ---------------------------------------------------------------------------------------------
// Straps: one's own beats go to the room (a workshop counts them; a pair passes them on only when
// shared); a pair's two hearts are drawn on the server's clock beside the shared pacer.
const hearts = { you: [], partner: [] };
let partnerDemo = false;
let partnerLastMs = null;
let source = null;
const pendingRr = [];

function showStraps(summary) {
  const demo = !summary.demo ? '' : summary.demo === 1 ? say(' (one is the demo strap)') : say(' (%(n)s are the demo strap)', { n: summary.demo });
  setText('straps-count', summary.connected
    ? say(summary.connected === 1 ? '%(n)s strap connected%(demo)s.' : '%(n)s straps connected%(demo)s.', { n: summary.connected, demo })
    : say('No straps connected.'));
  setText('straps-median', summary.median_coherence !== null
    ? say("The room's median coherence: %(value)s (from %(n)s straps).", { value: fixed(summary.median_coherence, 1), n: summary.ready })
    : say("The room's median coherence shows from %(min)s straps with a minute of clean beats (%(ready)s so far).", { min: summary.min_straps, ready: summary.ready }));
}

function followPacer() {
  if (!data || !source || !source.simulated || !roomApi) return;
  const now = roomApi.clock.serverNow();
  const pos = positionAt(data.plan, currentState(), now);
  const pattern = pos.step !== null && pos.state === 'running' ? roomPatterns[pos.step] : null;
  source.setPacer(pattern, performance.now() - (now - (pos.startMs ?? now)));
}

function startStrap(kind) {
  if (source) source.disconnect();
  source = kind === 'strap' ? createStrapSource() : createDemoSource();
  source.on('status', ({ status, name }) => {
    const words = {
      connecting: 'Connecting…',
      connected: source.simulated ? '%(name)s: connected. Simulated, not a real heart.' : '%(name)s: connected.',
      reconnecting: 'The strap dropped for a moment; reconnecting…',
      disconnected: 'The strap is disconnected.',
      failed: "That didn't connect. You might try again, or carry on without one.",
    };
    setText('strap-status', words[status] ? say(words[status], { name }) : '');
  });
  source.on('packet', ({ rrMs }) => {
    const good = (rrMs || []).filter((rr) => rr >= 250 && rr <= 2500);
    if (!good.length || !roomApi) return;
    pendingRr.push(...good);
    hearts.you.push(...beatsBefore(good, roomApi.clock.serverNow()));
  });
  source.connect().then(followPacer, () => setText('strap-status', say("That didn't connect. You might try again.")));
}

if (data && roomApi) {
  if (webBluetoothAvailable()) setHidden('btn-strap', false);
  $('btn-strap')?.addEventListener('click', () => startStrap('strap'));
  $('btn-demo-strap')?.addEventListener('click', () => startStrap('demo'));
  setInterval(() => {
    while (pendingRr.length) {
      roomApi.send({ type: 'beats', rr_ms: pendingRr.splice(0, 16), demo: Boolean(source && source.simulated),
        share: Boolean($('opt-share-heart')?.checked) });
    }
  }, 1000);
  if (data.kind === 'pair') setInterval(drawTogether, 250);
}

function drawTogether() {
  const now = roomApi.clock.serverNow();
  trimBeats(hearts.you, now);
  trimBeats(hearts.partner, now);
  const any = hearts.you.length > 1 || hearts.partner.length > 1;
  setHidden('together', !any);
  if (!any) return;
  const partnerGone = partnerLastMs === null || now - partnerLastMs > 10_000;
  setText('together-status', partnerGone
    ? say("Your partner's heart appears here if they choose to share it.")
    : [say(partnerDemo ? 'Your partner is sharing (the demo strap: simulated).' : 'Your partner is sharing.'),
      source && source.simulated ? say('Yours is the demo strap: simulated.') : ''].filter(Boolean).join(' '));
  const canvas = $('together-canvas');
  if (!canvas || !canvas.clientWidth) return;
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(canvas.clientWidth * dpr);
  const h = Math.round(canvas.clientHeight * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  const css = getComputedStyle(document.documentElement);
  const color = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  ctx.clearRect(0, 0, w, h);
  // The shared pacer: the breath's level across the same minute, as a soft band along the bottom.
  const pos = positionAt(data.plan, currentState(), now);
  const pattern = pos.step !== null && pos.startMs !== null ? roomPatterns[pos.step] : null;
  if (pattern) {
    ctx.fillStyle = color('--accent-soft', '#d9ebe7');
    ctx.beginPath();
    ctx.moveTo(0, h);
    for (let px = 0; px <= w; px += 4) {
      const t = now - WINDOW_MS * (1 - px / w);
      const level = t >= pos.startMs ? phaseAt(pattern, t - pos.startMs).breathLevel : 0;
      ctx.lineTo(px, h - level * h * 0.35);
    }
    ctx.lineTo(w, h);
    ctx.closePath();
    ctx.fill();
  }
  const line = (beats, stroke) => {
    const points = scaled(beats, now);
    if (points.length < 2) return;
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 2.5 * dpr;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    points.forEach((p, i) => {
      const x = p.x * w;
      const y = h * 0.08 + (1 - p.y) * h * 0.72;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  };
  line(hearts.you, color('--accent', '#2e6f69'));
  line(hearts.partner, '#c0703f');
}

function showSynchrony(s) {
  if (s.calibrating) {
    // The reason comes worded in the member's language, from their side (rooms/synchrony.py).
    setText('together-sync', s.reason
      ? say('In step: calibrating, until there is a minute of clean beats from both of you (%(reason)s).', { reason: s.reason.charAt(0).toLowerCase() + s.reason.slice(1) })
      : say('In step: calibrating, until there is a minute of clean beats from both of you.'));
    return;
  }
  const beyond = say(s.p_value < 0.05
    ? 'More in step than these two hearts at a random timing would be.'
    : 'Not more in step than these two hearts at a random timing would be.');
  setText('together-sync', say('In step: %(r)s over the last minute. The same hearts shifted in time reach up to %(p95)s by chance (%(level)s). %(beyond)s',
    { r: fixed(s.r, 2), p95: fixed(s.null_p95, 2), level: '95 %', beyond }));
}
