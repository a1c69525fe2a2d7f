// Felt safety over time, drawn with the vendored uPlot (loaded before this module as a classic
// deferred script). Data comes from the json_script element; the same numbers sit in a table.

import { cssVar } from './theme.js';
import { say } from './words.js';

const el = document.getElementById('safety-chart');
const source = document.getElementById('safety-data');

if (el && source && window.uPlot) {
  const { points, weekly, first, last } = JSON.parse(source.textContent);
  const DAY = 86400;
  const noon = (day) => Date.parse(`${day}T12:00:00Z`) / 1000;
  let xMin = noon(first) - DAY / 2;
  const xMax = noon(last) + DAY / 2;
  if (xMax - xMin < 7 * DAY) xMin = xMax - 7 * DAY;
  // Noon of each day (in the member's calendar) so that points sit in the middle of their day.
  const xs = points.map(([day]) => noon(day));
  const ys = points.map(([, mean]) => mean);
  const accent = cssVar('--accent', '#2f6f6a');
  const ink = cssVar('--ink-soft', '#5f5a53');
  const line = cssVar('--line', '#ddd3c5');

  const axis = { stroke: ink, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  // Dates read the way the rest of attune writes them ("29 Aug"; "Aug 25" over long ranges; "29. Aug."
  // in German), never the American month/day that uPlot defaults to.
  const long = xMax - xMin > 200 * DAY;
  const lang = document.documentElement.lang || 'en';
  const dateFmt = new Intl.DateTimeFormat(lang.startsWith('en') ? 'en-GB' : lang, long
    ? { month: 'short', year: '2-digit', timeZone: 'UTC' }
    : { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const xValues = (u, splits) => splits.map((ts) => dateFmt.format(new Date(ts * 1000)));
  const opts = {
    width: el.clientWidth || 320,
    height: 220,
    tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: () => [xMin, xMax] }, y: { range: [0, 10] } },
    axes: [
      { ...axis, space: long ? 56 : 64, values: xValues },
      { ...axis, splits: () => [0, 2, 4, 6, 8, 10], size: 32 },
    ],
    series: [
      {},
      {
        label: weekly ? say('Weekly mean felt safety') : say('Daily mean felt safety'),
        stroke: accent,
        width: 2,
        fill: `${accent}22`,
        points: { show: points.length < 60, size: 6, stroke: accent, fill: accent },
        spanGaps: false,
      },
    ],
  };
  const plot = new window.uPlot(opts, [xs, ys], el);
  const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 220 }));
  ro.observe(el);
}
