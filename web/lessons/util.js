// @ts-check
/** Helpers shared by the lesson instruments: DOM building, wording, canvases, throttling. */

import { fitCanvas, h } from '../dom.js';
import { valueAt } from '../frame.js';
import { formatExponential, formatNumber } from '../i18n.js';

// The lesson instruments build their DOM with the page's one `h()`.
export { h };

const STYLESHEET = new URL('./lessons.css', import.meta.url).href;

/** Links lessons.css once, unless the page already links it. */
export function ensureLessonStyles() {
  for (const l of document.querySelectorAll('link[rel="stylesheet"]')) {
    if (/** @type {HTMLLinkElement} */ (l).href === STYLESHEET) return;
  }
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = STYLESHEET;
  document.head.append(link);
}

/**
 * The translator of a view: `ctx.t(key, params)`, then any `{name}` placeholder the core's
 * translator left in place is filled from params (numbers rounded for reading).
 * @param {{t: (k: string, p?: Record<string, unknown>) => string}} ctx
 * @returns {(key: string, params?: Record<string, unknown>) => string}
 */
export function translator(ctx) {
  return (key, params = {}) => {
    const lang = /** @type {any} */ (ctx).i18n?.lang;
    /** @type {Record<string, unknown>} */
    const shown = {};
    for (const [k, v] of Object.entries(params)) shown[k] = readable(v, lang);
    const s = String(ctx.t(key, shown));
    return s.replace(/\{(\w+)\}/g, (m, name) => (name in shown ? String(shown[name]) : m));
  };
}

/**
 * A parameter as a reader sees it: numbers to 3 significant digits in the reader's language,
 * lists joined.
 * @param {unknown} v
 * @param {string} [lang]  the page's language by default
 * @returns {unknown}
 */
export function readable(v, lang) {
  if (typeof v === 'number') return fmt(v, 3, lang);
  if (Array.isArray(v)) return v.map((x) => readable(x, lang)).join(', ');
  return v;
}

/**
 * A number for a table cell or a label: 3 significant digits, exponent when tiny or huge,
 * written as the page's language writes numbers (0.25, or 0,25 in French).
 * @param {number | null} x  null (not finite, a diverging network) is written as it is
 * @param {number} [digits]
 * @param {string} [lang]
 */
export function fmt(x, digits = 3, lang) {
  if (x === null || !Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return formatNumber(x, {}, lang);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return formatExponential(x, digits - 1, lang);
  return formatNumber(Number(x.toPrecision(digits)), { maximumSignificantDigits: digits }, lang);
}

/**
 * Sizes a canvas's backing store to its CSS box times devicePixelRatio and returns a context
 * scaled so that drawing uses CSS pixels.
 * @param {HTMLCanvasElement} canvas
 */
export function prepareCanvas(canvas) {
  const { w, h: hgt, dpr } = fitCanvas(canvas);
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, hgt);
  return { g, w, h: hgt };
}

/**
 * Calls `fn` at most once per `ms`; a call inside the quiet period is deferred to its end, so
 * the last input is always drawn.
 * @param {() => void} fn
 * @param {number} ms
 */
export function throttle(fn, ms) {
  let last = -Infinity;
  /** @type {ReturnType<typeof setTimeout> | null} */ let timer = null;
  const run = () => {
    timer = null;
    last = performance.now();
    fn();
  };
  return () => {
    if (timer !== null) return;
    const wait = last + ms - performance.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
}

/**
 * Whether an instrument drawn from the frame, the language and the config must redraw: it is
 * visible and one of them changed.
 * @param {Set<string>} changed
 * @param {boolean} visible
 */
export function redraws(changed, visible) {
  return visible && (changed.has('frame') || changed.has('lang') || changed.has('config'));
}

/**
 * The layer numbers present in a frame's diagnostics, ascending.
 * @param {import('../types/protocol').FrameHeader | null | undefined} header
 * @returns {number[]}
 */
export function diagnosticLayers(header) {
  const layers = header?.diagnostics?.layers ?? {};
  return Object.keys(layers).map(Number).filter(Number.isFinite).sort((a, b) => a - b);
}

/**
 * The hidden layers of a config as [{units, activation}], or [].
 * @param {any} config
 * @returns {{units: number, activation: string}[]}
 */
export function hiddenLayers(config) {
  return Array.isArray(config?.hidden) ? config.hidden : [];
}

/** Okabe–Ito colors for one line per layer. */
const LAYER_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];

/**
 * The color of layer l (from 1), the colors taken in turn.
 * @param {number} l
 */
export const layerColor = (l) => LAYER_COLORS[(l - 1) % LAYER_COLORS.length];

/**
 * Draws a histogram: counts over equal bins between edges[0] and edges[1], with the bounds
 * written under the axis.
 * @param {HTMLCanvasElement} canvas
 * @param {number[]} counts
 * @param {[number | null, number | null]} edges
 * @param {string} color
 */
export function drawHistogram(canvas, counts, edges, color) {
  const { g, w, h: H } = prepareCanvas(canvas);
  const font = parseFloat(getComputedStyle(canvas).fontSize) || 12;
  const axis = font * 1.2;
  const plotH = H - axis;
  g.strokeStyle = '#9aa1a9';
  g.beginPath();
  g.moveTo(0, plotH + 0.5);
  g.lineTo(w, plotH + 0.5);
  g.stroke();
  const n = counts.length;
  const max = Math.max(1, ...counts);
  if (n) {
    g.fillStyle = color;
    const bw = w / n;
    for (let i = 0; i < n; i++) {
      const bh = (counts[i] / max) * (plotH - 2);
      if (bh > 0) g.fillRect(i * bw + 0.5, plotH - bh, Math.max(1, bw - 1), bh);
    }
  }
  g.fillStyle = '#5b636d';
  g.font = `${font * 0.85}px system-ui, sans-serif`;
  g.textBaseline = 'bottom';
  g.textAlign = 'left';
  g.fillText(fmt(edges[0], 2), 0, H);
  g.textAlign = 'right';
  g.fillText(fmt(edges[1], 2), w, H);
}

/**
 * A matrix as a captioned table: name, shape and values (rows × columns), cut to `maxRows` and
 * `maxCols` with an ellipsis so a 2 × 500 X stays readable.
 * @param {string} nameHtml  the matrix name as HTML (e.g. `W<sup>[1]</sup>`)
 * @param {{shape: number[], values: number[][]}} matrix
 * @param {{testid?: string, maxRows?: number, maxCols?: number, note?: string, cellName?: (i: number, j: number) => string}} options
 *   `cellName(i, j)`: the course's name of the entry at row i, column j (from 0), e.g. `x₂⁽³⁾`,
 *   shown as the cell's tooltip and kept in its `data-index`.
 */
export function matrixTable(nameHtml, matrix, { testid, maxRows = 8, maxCols = 8, note, cellName } = {}) {
  const [rows, cols] = matrix.shape.length === 2 ? matrix.shape : [matrix.values.length, matrix.values[0]?.length ?? 0];
  const figure = h('figure', { class: 'ls-matrix', 'data-testid': testid, 'data-shape': `${rows}x${cols}` });
  const caption = h('figcaption');
  caption.innerHTML = `${nameHtml} <span class="ls-dim">${rows}×${cols}</span>${note ? ` <span class="ls-hint">${note}</span>` : ''}`;
  const table = h('table');
  const shownCols = Math.min(cols, maxCols);
  for (let i = 0; i < Math.min(rows, maxRows); i++) {
    const tr = h('tr');
    for (let j = 0; j < shownCols; j++) {
      const v = Number(matrix.values[i]?.[j]);
      const td = h('td', { class: v < 0 ? 'ls-neg' : undefined, text: fmt(v) });
      if (cellName) {
        const name = cellName(i, j);
        td.setAttribute('title', `${name} = ${fmt(v)}`);
        td.setAttribute('data-index', name);
      }
      tr.append(td);
    }
    if (cols > shownCols) tr.append(h('td', { class: 'ls-more', text: '…' }));
    table.append(tr);
  }
  if (rows > maxRows) {
    const tr = h('tr');
    for (let j = 0; j < shownCols + (cols > shownCols ? 1 : 0); j++) tr.append(h('td', { class: 'ls-more', text: '⋮' }));
    table.append(tr);
  }
  figure.append(caption, table);
  return figure;
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/**
 * n in subscript digits (1 → ₁).
 * @param {number} n
 */
export const sub = (n) => String(n).replace(/\d/g, (d) => SUB[Number(d)]);
/**
 * n in superscript digits (3 → ³).
 * @param {number} n
 */
export const sup = (n) => String(n).replace(/\d/g, (d) => SUP[Number(d)]);

/**
 * The course's index notation for the entries of the inspector's matrices, numbered from 1:
 * `x₂⁽³⁾` (feature 2 of example 3), `a₃^[1](2)` (neuron 3 of layer 1 on example 2), `w₃,₁^[1]`,
 * `b₃^[1]`, `ŷ⁽⁴⁾`.
 */
export const courseIndex = {
  /** @param {string} letter */
  sample: (letter) => (/** @type {number} */ i, /** @type {number} */ j) => `${letter}${sub(i + 1)}⁽${sup(j + 1)}⁾`,
  /** @param {string} letter @param {number} l */
  layerSample: (letter, l) => (/** @type {number} */ i, /** @type {number} */ j) => `${letter}${sub(i + 1)}^[${l}](${j + 1})`,
  /** @param {string} letter @param {number} l */
  weight: (letter, l) => (/** @type {number} */ i, /** @type {number} */ j) => `${letter}${sub(i + 1)},${sub(j + 1)}^[${l}]`,
  /** @param {string} letter @param {number} l */
  bias: (letter, l) => (/** @type {number} */ i) => `${letter}${sub(i + 1)}^[${l}]`,
};

/**
 * The product a network of L weight matrices collapses into when every hidden layer is linear,
 * as plain text: 3 → "W[3]W[2]W[1]".
 * @param {number} L
 */
export const weightProduct = (L) => Array.from({ length: L }, (_, i) => `W[${L - i}]`).join('');

/**
 * `X<sup>[l]</sup>`: a course symbol with its layer index.
 * @param {string} name
 * @param {number | string} l
 */
export const sym = (name, l) => `${name}<sup>[${l}]</sup>`;

/**
 * The float32 frame array `name` as a Matrix ({shape, values}), or null.
 * @param {any} frame
 * @param {string} name
 */
export function frameMatrix(frame, name) {
  const a = frame?.arrays?.[name];
  if (!a || a.shape.length !== 2) return null;
  const [r, c] = a.shape;
  /** @type {number[][]} */ const values = [];
  for (let i = 0; i < r; i++) values.push(Array.from({ length: c }, (_, j) => valueAt(a, i * c + j)));
  return { shape: [r, c], values };
}

/**
 * A matrix table that updates in place (cells rewritten only when their text changes; the
 * table rebuilt only when the shape changes), for matrices redrawn while training runs.
 * @param {string} nameHtml
 * @param {{testid?: string, note?: string, maxRows?: number, maxCols?: number}} [options]
 */
export function matrixView(nameHtml, options = {}) {
  /** @type {HTMLElement} */ let element = h('figure', { class: 'ls-matrix', 'data-testid': options.testid });
  let shape = '';
  /** @type {HTMLElement[][]} */ let cells = [];
  return {
    get element() { return element; },
    /** @param {{shape: number[], values: number[][]}} matrix */
    set(matrix) {
      const key = matrix.shape.join('x');
      if (key !== shape) {
        const fresh = matrixTable(nameHtml, matrix, options);
        element.replaceWith(fresh);
        element = fresh;
        shape = key;
        cells = [...fresh.querySelectorAll('tr')].map((tr) => /** @type {HTMLElement[]} */ ([...tr.querySelectorAll('td:not(.ls-more)')]));
        return;
      }
      cells.forEach((row, i) => row.forEach((td, j) => {
        const v = Number(matrix.values[i]?.[j]);
        const text = fmt(v);
        if (td.textContent !== text) td.textContent = text;
        td.classList.toggle('ls-neg', v < 0);
      }));
    },
  };
}
