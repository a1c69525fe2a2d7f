// A stored recording, beat by beat: heart rate (left axis) and coherence (right axis), drawn with
// the vendored uPlot (loaded before this module as a classic deferred script). The data comes from
// the json_script element `recording-data`; null values (calibration) are left as gaps.

import { cssVar } from '../js/theme.js';
import { say } from '../js/words.js';

const el = document.getElementById('recording-chart');
const source = document.getElementById('recording-data');

if (el && source && window.uPlot) {
  const data = JSON.parse(source.textContent);
  const accent = cssVar('--accent', '#2f6f6a');
  const clay = cssVar('--clay', '#b8744f');
  const ink = cssVar('--ink-soft', '#5f5a53');
  const line = cssVar('--line', '#ddd3c5');
  const axis = { stroke: ink, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  const minutes = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  const height = 240;
  const opts = {
    width: el.clientWidth || 320,
    height,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false }, hr: { auto: true }, coh: { auto: true, range: (u, lo, hi) => [0, Math.max(2, hi)] } },
    axes: [
      { ...axis, values: (u, splits) => splits.map(minutes), space: 60 },
      { ...axis, scale: 'hr', size: 40, label: 'bpm' },
      { ...axis, scale: 'coh', side: 1, size: 40, grid: { show: false }, label: say('coherence') },
    ],
    series: [
      { value: (u, v) => (v == null ? '' : minutes(v)) },
      { label: say('Heart rate (bpm)'), scale: 'hr', stroke: accent, width: 1.5, spanGaps: false },
      { label: say('Coherence'), scale: 'coh', stroke: clay, width: 1.5, spanGaps: false },
    ],
  };
  const plot = new window.uPlot(opts, [data.t_s, data.hr_bpm, data.coherence], el);
  const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
  ro.observe(el);
}
