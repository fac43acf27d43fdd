// @ts-check
/**
 * The loss chart's drawing: the loss curves (linear or log scale) with their ticks, the best
 * validation epoch, where early stopping paused training, and the accuracy below for
 * classification. Long histories are reduced to a min/max per two pixels.
 */
import { fitCanvas } from '../../dom.js';
import { downsample } from '../../data/series.js';
import { formatExponential, formatNumber, formatPercent } from '../../i18n.js';

/** Series: key in history, color (Okabe–Ito) and dash, so they differ without color too. */
export const SERIES = [
  { part: 'train', color: '#0072b2', dash: [] },
  { part: 'validation', color: '#d55e00', dash: [7, 4] },
  { part: 'test', color: '#009e73', dash: [2, 3] },
];

/**
 * @typedef {{left: number, width: number, top: number, height: number, e0: number, e1: number}} Geometry
 *   the plot's box in CSS px and the epochs at its edges
 */

/**
 * About `count` round tick values covering [lo, hi].
 * @param {number} lo @param {number} hi @param {number} count
 */
function niceTicks(lo, hi, count) {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/**
 * Tick values for a log axis spanning 10^lo .. 10^hi: 1, 2, 5 per decade, or only powers of ten
 * when that would crowd the axis.
 * @param {number} lo @param {number} hi
 */
function logTicks(lo, hi) {
  const all = [];
  for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      const e = Math.log10(v);
      if (e >= lo - 1e-9 && e <= hi + 1e-9) all.push(v);
    }
  }
  const decades = all.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return all.length > 6 && decades.length >= 2 ? decades : all;
}

/** @param {number} v */
function tickLabel(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return formatExponential(v, 0);
  return formatNumber(Number(v.toPrecision(3)), { maximumSignificantDigits: 3 });
}

/** @param {number} v */
export function fmt(v) {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 1e-3) return formatExponential(v, 2);
  return formatNumber(Number(v.toPrecision(3)), { maximumSignificantDigits: 3 });
}

/**
 * Draws the chart for the history's columns; returns the plot's geometry, or null when
 * there is nothing to draw.
 * @param {HTMLCanvasElement} canvas
 * @param {{columns: ReturnType<typeof import('../../data/series.js').createColumns>, classification: boolean,
 *   log: boolean, best: number | null, stoppedAt: number | null,
 *   t: (key: string, params?: Record<string, unknown>) => string}} options
 * @returns {Geometry | null}
 */
export function drawChart(canvas, { columns, classification, log, best, stoppedAt, t }) {
  const { w, h, dpr } = fitCanvas(canvas);
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const font = parseFloat(getComputedStyle(canvas).fontSize) || 12;
  g.font = `${font}px system-ui, sans-serif`;
  const left = font * 3.4;
  const right = 10;
  const top = 8;
  const bottom = font * 3;
  const accH = classification ? Math.min(h * 0.3, 90) : 0;
  const gap = classification ? font * 1.6 : 0;
  const plotW = Math.max(10, w - left - right);
  const lossH = Math.max(10, h - top - bottom - accH - gap);
  const n = columns.n;
  const xs = columns.epoch;
  if (n === 0) return null;
  const e0 = xs[0];
  const e1 = Math.max(xs[n - 1], e0 + 1);
  const X = (/** @type {number} */ e) => left + ((e - e0) / (e1 - e0)) * plotW;
  const geom = { left, width: plotW, top, height: h - top - bottom, e0, e1 };
  // One bucket per two pixels: each keeps its min and max, so a line never loses a spike.
  const buckets = Math.max(10, Math.floor(plotW / 2));
  const lines = SERIES.map((s) => downsample(xs, columns.column(`${s.part}_loss`), n, buckets));
  let lo = Infinity;
  let hi = -Infinity;
  for (const line of lines) {
    for (let i = 1; i < line.length; i += 2) {
      if (line[i] !== line[i]) continue;
      const v = log ? Math.log10(Math.max(line[i], 1e-8)) : line[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) return geom;
  if (!log) lo = Math.min(0, lo);
  if (hi - lo < 1e-9) { hi += log ? 0.5 : Math.abs(hi) * 0.1 + 0.05; lo -= log ? 0.5 : 0; }
  const Y = (/** @type {number} */ v) => top + (1 - ((log ? Math.log10(Math.max(v, 1e-8)) : v) - lo) / (hi - lo)) * lossH;

  // Grid and axes.
  g.strokeStyle = '#e3e3e3';
  g.fillStyle = '#555';
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  // As many labels as fit without touching: one per two lines of text, at most four.
  const room = Math.max(1, Math.min(4, Math.floor(lossH / (font * 2))));
  let yTicks = log ? logTicks(lo, hi) : niceTicks(lo, hi, room);
  if (yTicks.length > room + 1) yTicks = yTicks.filter((_, i) => i % Math.ceil(yTicks.length / (room + 1)) === 0);
  for (const v of yTicks) {
    const y = Y(v);
    g.beginPath(); g.moveTo(left, y); g.lineTo(left + plotW, y); g.stroke();
    g.fillText(tickLabel(v), left - 4, y);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const xBase = top + lossH + accH + gap;
  for (const e of niceTicks(e0, e1, Math.max(2, Math.floor(plotW / (font * 6))))) {
    if (!Number.isInteger(e)) continue;
    g.fillText(String(e), X(e), xBase + 4);
  }
  g.textAlign = 'right';
  g.fillText(t('loss.epoch'), left + plotW, xBase + font + 6);
  g.strokeStyle = '#999';
  g.beginPath(); g.moveTo(left, top); g.lineTo(left, xBase); g.lineTo(left + plotW, xBase); g.stroke();

  // Best validation epoch.
  const b = best;
  if (b !== null && b >= e0 && b <= e1) {
    g.save();
    g.strokeStyle = SERIES[1].color;
    g.setLineDash([3, 3]);
    g.beginPath(); g.moveTo(X(b), top); g.lineTo(X(b), xBase); g.stroke();
    g.restore();
    const at = xs.subarray(0, n).indexOf(b);
    const v = at < 0 ? NaN : columns.column('validation_loss')[at];
    if (Number.isFinite(v)) {
      g.beginPath();
      g.arc(X(b), Y(v), 4, 0, 2 * Math.PI);
      g.fillStyle = '#fff';
      g.fill();
      g.lineWidth = 2;
      g.strokeStyle = SERIES[1].color;
      g.stroke();
    }
    g.fillStyle = SERIES[1].color;
    g.textAlign = X(b) > left + plotW - font * 5 ? 'right' : 'left';
    g.textBaseline = 'top';
    g.fillText(`${t('loss.bestShort')} (${b})`, X(b) + (g.textAlign === 'left' ? 4 : -4), top);
  }

  // Where early stopping paused training.
  if (stoppedAt !== null && stoppedAt >= e0 && stoppedAt <= e1) {
    g.save();
    g.strokeStyle = '#555';
    g.setLineDash([1, 3]);
    g.beginPath(); g.moveTo(X(stoppedAt), top); g.lineTo(X(stoppedAt), xBase); g.stroke();
    g.restore();
    g.fillStyle = '#555';
    g.textAlign = 'right';
    g.textBaseline = 'bottom';
    g.fillText(`${t('loss.stoppedShort')} (${stoppedAt})`, X(stoppedAt) - 4, xBase - 2);
  }

  /** @param {number[]} line flat [x, y, ...] @param {(v: number) => number} toY @param {typeof SERIES[0]} s */
  const stroke = (line, toY, s) => {
    g.save();
    g.strokeStyle = s.color;
    g.lineWidth = 2;
    g.setLineDash(s.dash);
    g.lineJoin = 'round';
    g.beginPath();
    let pen = false;
    for (let i = 0; i < line.length; i += 2) {
      if (line[i + 1] !== line[i + 1]) { pen = false; continue; }
      const x = X(line[i]);
      const y = toY(line[i + 1]);
      if (pen) g.lineTo(x, y); else g.moveTo(x, y);
      pen = true;
    }
    g.stroke();
    g.restore();
  };
  g.save();
  g.beginPath(); g.rect(left, top - 2, plotW, lossH + 4); g.clip();
  lines.forEach((line, i) => stroke(line, Y, SERIES[i]));
  g.restore();

  if (classification) {
    const aTop = top + lossH + gap;
    const AY = (/** @type {number} */ v) => aTop + (1 - v) * accH;
    g.strokeStyle = '#e3e3e3';
    g.fillStyle = '#555';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const v of [0, 0.5, 1]) {
      g.beginPath(); g.moveTo(left, AY(v)); g.lineTo(left + plotW, AY(v)); g.stroke();
      g.fillText(formatPercent(v, 0), left - 4, AY(v));
    }
    g.textAlign = 'right';
    g.textBaseline = 'bottom';
    g.fillText(t('loss.accuracy'), left + plotW, aTop - 1);
    SERIES.forEach((s) => stroke(downsample(xs, columns.column(`${s.part}_accuracy`), n, buckets), AY, s));
  }
  return geom;
}
