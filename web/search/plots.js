// @ts-check
/**
 * The Search panel's small plots: the objective against one hyperparameter (a strip plot per
 * field that varies: categorical values as columns, numbers on a linear or log axis), and the
 * spread of final costs over seeds. Each draws into the canvas it is given, sized by
 * devicePixelRatio, and writes what it drew into the canvas's `data-*` attributes.
 */
import { fitCanvas } from '../dom.js';
import { formatNumber } from '../i18n.js';

const GREY = '#9aa3ad';
const INK = '#5b636d';
const BEST = '#d55e00';
const AXIS = '#d5d9de';
const FONT = '10px system-ui, sans-serif';

/**
 * The config fields whose value differs between trials, in the config's order.
 * @param {any[]} trials  search_trial messages
 * @returns {string[]}
 */
export function varyingFields(trials) {
  if (trials.length < 2) return [];
  return Object.keys(trials[0].config).filter((key) => {
    const first = JSON.stringify(trials[0].config[key]);
    return trials.some((trial) => JSON.stringify(trial.config[key]) !== first);
  });
}

/** A short label for a config value (features joined with commas). */
function label(/** @type {any} */ value) {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'number') return formatNumber(value, { maximumSignificantDigits: 3 });
  return String(value);
}

/** A small deterministic jitter in -1..1 from a trial number, so strips stay put on redraw. */
const jitter = (/** @type {number} */ n) => ((n * 0.618034) % 1) * 2 - 1;

/**
 * A position along the x axis for each value of `field`: columns for names, a linear axis for
 * numbers, a log axis when they are positive and span more than a factor of 20.
 * @param {any[]} values
 * @returns {{at: (v: any) => number, ticks: Array<[number, string]>, kind: string}} at: 0..1
 */
function axisFor(values) {
  const numeric = values.every((v) => typeof v === 'number');
  if (!numeric) {
    const columns = [...new Set(values.map((v) => label(v)))];
    const at = (/** @type {any} */ v) => (columns.indexOf(label(v)) + 0.5) / columns.length;
    return { at, ticks: columns.map((c, i) => [(i + 0.5) / columns.length, c]), kind: 'columns' };
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const log = lo > 0 && hi / lo > 20;
  const f = log ? Math.log10 : (/** @type {number} */ v) => v;
  const span = f(hi) - f(lo) || 1;
  const at = (/** @type {number} */ v) => 0.1 + 0.8 * ((f(v) - f(lo)) / span);
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const shown = distinct.length <= 6 ? distinct : [lo, hi];
  return { at, ticks: shown.map((v) => [at(v), label(v)]), kind: log ? 'log' : 'linear' };
}

/**
 * The objective of each scored trial against `field`; the best trial drawn bigger, in orange.
 * @param {HTMLCanvasElement} canvas
 * @param {any[]} trials  search_trial messages
 * @param {string} field
 * @param {any} best  the best trial, or null
 */
export function drawParamPlot(canvas, trials, field, best) {
  const { w, h, dpr } = fitCanvas(canvas);
  const g = canvas.getContext('2d');
  const scored = trials.filter((x) => x.score != null && Number.isFinite(x.score));
  canvas.dataset.points = String(scored.length);
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  if (!scored.length) return;
  const axis = axisFor(scored.map((x) => x.config[field]));
  canvas.dataset.axis = axis.kind;
  const scores = scored.map((x) => x.score);
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const pad = 6;
  const bottom = h - 16;
  const columnWidth = axis.kind === 'columns' ? (w - 2 * pad) / axis.ticks.length : 0;
  const x = (/** @type {any} */ trial) => pad + axis.at(trial.config[field]) * (w - 2 * pad)
    + jitter(trial.trial) * Math.min(12, columnWidth * 0.25);
  const y = (/** @type {number} */ v) => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - pad);
  g.strokeStyle = AXIS;
  g.beginPath();
  g.moveTo(pad, bottom + 0.5);
  g.lineTo(w - pad, bottom + 0.5);
  g.stroke();
  g.fillStyle = INK;
  g.font = FONT;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const [at, text] of axis.ticks) g.fillText(text, pad + at * (w - 2 * pad), bottom + 3, columnWidth || 60);
  // The score's range, so the strips read as values and not only as an order.
  g.textAlign = 'left';
  g.fillStyle = GREY;
  g.fillText(label(hi), 2, 1);
  g.textBaseline = 'bottom';
  g.fillText(label(lo), 2, bottom - 1);
  g.fillStyle = GREY;
  for (const trial of scored) {
    if (trial === best) continue;
    g.beginPath();
    g.arc(x(trial), y(trial.score), 2.5, 0, 2 * Math.PI);
    g.fill();
  }
  if (best && scored.includes(best)) {
    g.fillStyle = BEST;
    g.beginPath();
    g.arc(x(best), y(best.score), 4.5, 0, 2 * Math.PI);
    g.fill();
  }
}

/**
 * Final costs of the seeds as a strip on one axis, the median marked.
 * @param {HTMLCanvasElement} canvas
 * @param {number[]} costs  finite costs
 * @returns {{min: number, median: number, max: number} | null}
 */
export function drawSeedsPlot(canvas, costs) {
  const { w, h, dpr } = fitCanvas(canvas);
  const g = canvas.getContext('2d');
  canvas.dataset.points = String(costs.length);
  if (!costs.length) {
    delete canvas.dataset.min;
    delete canvas.dataset.max;
    g?.clearRect(0, 0, canvas.width, canvas.height);
    return null;
  }
  const sorted = [...costs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const stats = { min: sorted[0], median, max: sorted[sorted.length - 1] };
  canvas.dataset.min = String(stats.min);
  canvas.dataset.max = String(stats.max);
  if (!g) return stats;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const pad = 10;
  const x = (/** @type {number} */ v) => pad + ((v - stats.min) / (stats.max - stats.min || 1)) * (w - 2 * pad);
  const middle = h / 2;
  g.strokeStyle = AXIS;
  g.beginPath();
  g.moveTo(pad, middle + 0.5);
  g.lineTo(w - pad, middle + 0.5);
  g.stroke();
  g.strokeStyle = BEST;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(x(median), pad);
  g.lineTo(x(median), h - pad);
  g.stroke();
  g.fillStyle = '#0072b2';
  costs.forEach((cost, i) => {
    g.beginPath();
    g.arc(x(cost), middle + jitter(i + 1) * (middle - pad - 3), 3.5, 0, 2 * Math.PI);
    g.fill();
  });
  return stats;
}

/**
 * The score of each trial (grey dots) and the best so far (the line) against the trial
 * number; `data-points` says how many trials it drew.
 * @param {HTMLCanvasElement} chart
 * @param {any[]} trials  the search_trial messages so far
 * @param {any} progress  the latest search_progress (its `total` and `objective`), or null
 */
export function drawBestCurve(chart, trials, progress) {
  const { w, h: height, dpr } = fitCanvas(chart);
  const g = chart.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, height);
  const total = progress?.total ?? 0;
  const sign = progress?.objective === 'accuracy' ? -1 : 1;
  const scored = [...trials].filter((x) => x.score != null).sort((a, b) => a.trial - b.trial);
  chart.dataset.points = String(scored.length);
  if (!scored.length || !total) return;
  const values = scored.map((x) => x.score);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = 6;
  const x = (/** @type {number} */ n) => pad + (n / Math.max(1, total - 1)) * (w - 2 * pad);
  const y = (/** @type {number} */ v) => height - pad - ((v - lo) / (hi - lo || 1)) * (height - 2 * pad);
  g.fillStyle = '#9aa3ad';
  for (const s of scored) g.fillRect(x(s.trial) - 1.5, y(s.score) - 1.5, 3, 3);
  g.strokeStyle = '#0072b2';
  g.lineWidth = 2;
  g.beginPath();
  let best = Infinity;
  scored.forEach((s, i) => {
    best = Math.min(best, sign * s.score);
    if (i === 0) g.moveTo(x(s.trial), y(sign * best));
    else { g.lineTo(x(s.trial), y(sign * best)); }
  });
  g.stroke();
}
