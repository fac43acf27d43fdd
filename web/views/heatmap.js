// @ts-check
/**
 * The output view: the network's decision boundary at grid resolution (one ImageData, reused,
 * scaled up by CSS), with the training and test points on a devicePixelRatio-sized overlay.
 * Binary: orange–blue by probability; multi-class: the Okabe–Ito color of the most likely class,
 * paler where the network is unsure; regression: a diverging color scale with its legend.
 * Its parts: heatmap/boundary.js (the painted grid), heatmap/points.js (the points, the axes'
 * labels and the legend). Read-only (`state.readOnly`, the teacher's spotlight), its toggles go.
 */
import { h } from '../dom.js';
import { valueAt } from '../frame.js';
import { applyLabels, formatNumber, pageLang } from '../i18n.js';
import { rememberToggle, toggleFromUrl } from '../url.js';
import { createBoundary } from './heatmap/boundary.js';
import { drawPoints, fmt, renderLegend } from './heatmap/points.js';

export const STRINGS = {
  en: {
    'output.title': 'Output',
    'output.showTest': 'Show test data',
    'output.discretize': 'Discretize output',
    'output.class': 'class {k}',
    'output.train': 'training',
    'output.validation': 'validation',
    'output.test': 'test',
    'output.scale': 'predicted value',
    'output.waiting': 'Waiting for the server…',
    'output.aria': 'Decision boundary of the network over the input plane',
    'output.readout.binary': 'P(class 1) = {p}',
    'output.readout.multiclass': 'class {k}, p = {p}',
    'output.readout.regression': 'ŷ = {v}',
  },
  fr: {
    'output.title': 'Sortie',
    'output.showTest': 'Afficher les données de test',
    'output.discretize': 'Sortie discrétisée',
    'output.class': 'classe {k}',
    'output.train': 'entraînement',
    'output.validation': 'validation',
    'output.test': 'test',
    'output.scale': 'valeur prédite',
    'output.waiting': 'En attente du serveur…',
    'output.aria': 'Frontière de décision du réseau sur le plan d’entrée',
    'output.readout.binary': 'P(classe 1) = {p}',
    'output.readout.multiclass': 'classe {k}, p = {p}',
    'output.readout.regression': 'ŷ = {v}',
  },
};

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx
 */
export function mountHeatmap(container, ctx) {
  ctx.i18n.register(STRINGS);
  const t = ctx.t;
  container.classList.add('output-view');
  const toggle = (/** @type {string} */ testid, /** @type {string} */ label) => {
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', 'data-testid': testid }));
    return { input, el: h('label', { class: 'toggle' }, [input, h('span', { 'data-label': label })]) };
  };
  const showTest = toggle('show-test', 'output.showTest');
  const discretize = toggle('discretize', 'output.discretize');
  const boundaryCanvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'boundary', 'data-testid': 'boundary', width: 1, height: 1, role: 'img' }));
  const overlay = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'overlay', 'aria-hidden': 'true' }));
  const waiting = h('p', { class: 'plot-waiting', 'data-label': 'output.waiting' });
  const readout = h('p', { class: 'plot-readout', 'data-testid': 'boundary-readout', hidden: true });
  const plot = h('div', { class: 'plot' }, [boundaryCanvas, overlay, waiting, readout]);
  const legend = h('div', { class: 'legend', 'data-testid': 'output-legend' });
  container.replaceChildren(
    h('div', { class: 'view-head' }, [h('h2', { class: 'view-title', 'data-label': 'output.title' }), showTest.el, discretize.el]),
    plot,
    legend,
  );
  const boundary = createBoundary(boundaryCanvas);

  /** @type {any} */ let data = null;
  /** Largest |target| of a regression's points (1 otherwise): the color scale is fixed by the data. */
  let scale = 1;
  /** @type {any} */ let lastFrame = null;

  function task() {
    if (data?.task) return data.task;
    const shape = lastFrame?.arrays?.output?.shape;
    return shape && shape[0] > 1 ? 'multiclass' : 'binary';
  }

  function regressionScale() {
    if (data?.task !== 'regression') return 1;
    let s = 0;
    for (const part of ['train', 'validation', 'test']) {
      for (const v of data[part]?.label ?? []) s = Math.max(s, Math.abs(v));
    }
    return s > 0 ? s : 1;
  }

  function paintOutput() {
    if (boundary.paint(lastFrame, { task: task(), hard: discretize.input.checked, scale })) waiting.hidden = true;
  }

  function redrawPoints() {
    drawPoints(overlay, data, { scale, showTest: showTest.input.checked });
  }

  function relabel() {
    applyLabels(container, t);
    boundaryCanvas.setAttribute('aria-label', t('output.aria'));
    renderLegend(legend, data, scale, t);
  }

  /** What the network predicts under the pointer: (x1, x2) and its output there. */
  function showReadout(/** @type {PointerEvent} */ event) {
    const out = lastFrame?.arrays?.output;
    if (!out || !data) return;
    const box = plot.getBoundingClientRect();
    const fx = (event.clientX - box.left) / box.width;
    const fy = (event.clientY - box.top) / box.height;
    if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) return;
    const [C, R] = out.shape;
    const n = R * R;
    const i = Math.floor(fy * R) * R + Math.floor(fx * R);
    const [x0, x1, y0, y1] = data.domain;
    // A decimal comma in French: the two coordinates are then separated by a semicolon.
    const sep = pageLang() === 'fr' ? '\u202f; ' : ', ';
    const at = `x₁ = ${fmt(x0 + fx * (x1 - x0))}${sep}x₂ = ${fmt(y1 - fy * (y1 - y0))}`;
    let value;
    if (C > 1) {
      let best = 0;
      for (let k = 1; k < C; k++) if (valueAt(out, k * n + i) > valueAt(out, best * n + i)) best = k;
      value = t('output.readout.multiclass', { k: best, p: fixed(valueAt(out, best * n + i), 2) });
    } else if (task() === 'regression') {
      value = t('output.readout.regression', { v: fixed(valueAt(out, i), 3) });
    } else {
      value = t('output.readout.binary', { p: fixed(valueAt(out, i), 2) });
    }
    readout.textContent = `${at} · ${value}`;
    readout.hidden = false;
  }
  plot.addEventListener('pointermove', showReadout);
  plot.addEventListener('pointerleave', () => { readout.hidden = true; });

  // Both toggles live in the page's link (url.js), so a shared link shows what the class saw.
  showTest.input.checked = toggleFromUrl('test', ctx.landing ?? location.search);
  discretize.input.checked = toggleFromUrl('discretize', ctx.landing ?? location.search);
  showTest.input.addEventListener('change', () => {
    rememberToggle('test', showTest.input.checked);
    redrawPoints();
  });
  discretize.input.addEventListener('change', () => {
    rememberToggle('discretize', discretize.input.checked);
    paintOutput();
  });
  new ResizeObserver(redrawPoints).observe(plot);
  relabel();

  return {
    /**
     * @param {any} state
     * @param {Set<string>} changed
     */
    update(state, changed) {
      if (changed.has('readOnly')) {
        // Nothing to change (the teacher's spotlight): the toggles go, and nothing reacts.
        container.toggleAttribute('data-read-only', Boolean(state.readOnly));
        container.inert = Boolean(state.readOnly);
      }
      if (changed.has('data') && state.data) {
        data = state.data;
        scale = regressionScale();
        redrawPoints();
        renderLegend(legend, data, scale, t);
        if (lastFrame) paintOutput();
      }
      if (changed.has('frame') && state.frame) {
        lastFrame = state.frame;
        paintOutput();
      }
      if (changed.has('lang')) {
        relabel();
        redrawPoints(); // its axis labels are numbers in the page's language
      }
    },
  };
}

/** A number with `digits` decimals in the page's language (0.50, or 0,50 in French). */
function fixed(/** @type {number} */ v, /** @type {number} */ digits) {
  return formatNumber(v, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

