// @ts-check
/**
 * The output view: the network's decision boundary at grid resolution (one ImageData, reused,
 * scaled up by CSS), with the training and test points on a devicePixelRatio-sized overlay.
 * Binary: orange–blue by probability; multi-class: the Okabe–Ito color of the most likely class,
 * paler where the network is unsure; regression: a diverging color scale with its legend.
 */
import { fitCanvas } from '../dom.js';
import { valueAt } from '../frame.js';
import { applyLabels, formatNumber, pageLang } from '../i18n.js';
import { classCss, classLuts, divergingCss, divergingLut, levelsToPixels, paintValues } from '../palette.js';
import { rememberToggle, toggleFromUrl } from '../url.js';

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

/** Lighter than the points, so that points of either class stand out on the boundary. */
const HEAT_STRENGTH = 0.62;

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountHeatmap(container, ctx) {
  ctx.i18n.register(STRINGS);
  const t = ctx.t;
  container.classList.add('output-view');
  container.innerHTML = `
    <div class="view-head">
      <h2 class="view-title" data-label="output.title"></h2>
      <label class="toggle"><input type="checkbox" data-testid="show-test" checked><span data-label="output.showTest"></span></label>
      <label class="toggle"><input type="checkbox" data-testid="discretize"><span data-label="output.discretize"></span></label>
    </div>
    <div class="plot">
      <canvas class="boundary" data-testid="boundary" width="1" height="1" role="img"></canvas>
      <canvas class="overlay" aria-hidden="true"></canvas>
      <p class="plot-waiting" data-label="output.waiting"></p>
      <p class="plot-readout" data-testid="boundary-readout" hidden></p>
    </div>
    <div class="legend" data-testid="output-legend"></div>`;

  const boundary = /** @type {HTMLCanvasElement} */ (container.querySelector('.boundary'));
  const overlay = /** @type {HTMLCanvasElement} */ (container.querySelector('.overlay'));
  const plot = /** @type {HTMLElement} */ (container.querySelector('.plot'));
  const waiting = /** @type {HTMLElement} */ (container.querySelector('.plot-waiting'));
  const legend = /** @type {HTMLElement} */ (container.querySelector('.legend'));
  const readout = /** @type {HTMLElement} */ (container.querySelector('.plot-readout'));
  const showTest = /** @type {HTMLInputElement} */ (container.querySelector('[data-testid="show-test"]'));
  const discretize = /** @type {HTMLInputElement} */ (container.querySelector('[data-testid="discretize"]'));
  const gctx = /** @type {CanvasRenderingContext2D} */ (boundary.getContext('2d'));

  const lut = divergingLut(HEAT_STRENGTH);
  const levels = new Uint32Array(256);
  /** @type {Uint32Array[]} */ let luts = [];
  /** @type {ImageData | null} */ let image = null;
  /** @type {Uint32Array} */ let pixels = new Uint32Array(0);
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

  /** Paints the output grid of a frame into the reused ImageData. */
  function paintOutput(/** @type {any} */ frame) {
    const out = frame?.arrays?.output;
    if (!out) return;
    const [C, R] = out.shape;
    if (!image || image.width !== R) {
      boundary.width = R;
      boundary.height = R;
      image = gctx.createImageData(R, R);
      pixels = new Uint32Array(image.data.buffer);
    }
    const n = R * R;
    const kind = task();
    const hard = discretize.checked;
    if (C > 1) {
      paintClasses(out, C, n, hard);
    } else if (kind === 'regression') {
      if (hard) paintSign(out, n, 0);
      else paintValues(pixels, out.data, 0, n, levelsToPixels(lut, out.range, scale, levels), lut, scale);
    } else if (hard) {
      paintSign(out, n, 0.5);
    } else {
      // Probability p of class 1 -> t = 2p - 1 on the orange–blue ramp.
      const range = out.range ? [2 * out.range[0] - 1, 2 * out.range[1] - 1] : null;
      if (out.data instanceof Uint8Array) {
        paintValues(pixels, out.data, 0, n, levelsToPixels(lut, /** @type {any} */ (range), 1, levels), lut, 1);
      } else {
        for (let i = 0; i < n; i++) {
          const v = Math.max(-1, Math.min(1, 2 * out.data[i] - 1));
          pixels[i] = lut[Math.round((v + 1) * 127.5)];
        }
      }
    }
    gctx.putImageData(image, 0, 0);
    waiting.hidden = true;
  }

  /** Two colors split at `threshold`. */
  function paintSign(/** @type {any} */ out, /** @type {number} */ n, /** @type {number} */ threshold) {
    const lo = lut[Math.round(0.25 * 255)];
    const hi = lut[Math.round(0.75 * 255)];
    const [a, b] = out.range ?? [0, 1];
    const quantized = out.data instanceof Uint8Array;
    for (let i = 0; i < n; i++) {
      const q = out.data[i];
      const v = quantized ? a + (q / 255) * (b - a) : q;
      pixels[i] = v > threshold ? hi : lo;
    }
  }

  /** Color of the most likely class, paler where its probability is low. */
  function paintClasses(/** @type {any} */ out, /** @type {number} */ C, /** @type {number} */ n, /** @type {boolean} */ hard) {
    if (luts.length !== C) luts = classLuts(C, HEAT_STRENGTH);
    const src = out.data;
    const [a, b] = out.range ?? [0, 1];
    const quantized = src instanceof Uint8Array;
    const floor = 1 / C;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestValue = -Infinity;
      for (let k = 0; k < C; k++) {
        const v = src[k * n + i];
        if (v > bestValue) { bestValue = v; best = k; }
      }
      const p = quantized ? a + (bestValue / 255) * (b - a) : bestValue;
      const s = hard ? 1 : Math.max(0, Math.min(1, (p - floor) / (1 - floor)));
      pixels[i] = luts[best][Math.round(s * 255)];
    }
  }

  /** Draws the points (and nothing else) on the overlay, sized by devicePixelRatio. */
  function drawPoints() {
    const { w, h, dpr } = fitCanvas(overlay);
    const g = /** @type {CanvasRenderingContext2D} */ (overlay.getContext('2d'));
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    if (!data) return;
    const [x0, x1, y0, y1] = data.domain;
    const regression = data.task === 'regression';
    const total = (data.train?.x1?.length ?? 0) + (data.test?.x1?.length ?? 0);
    const radius = Math.max(2, Math.min(4.5, 4.5 * Math.sqrt(500 / Math.max(total, 1)) * (w / 420)));
    /** @param {any} set @param {string} stroke @param {number} width */
    const draw = (set, stroke, width) => {
      if (!set) return;
      g.lineWidth = width;
      g.strokeStyle = stroke;
      for (let i = 0; i < set.x1.length; i++) {
        const px = ((set.x1[i] - x0) / (x1 - x0)) * w;
        const py = ((y1 - set.x2[i]) / (y1 - y0)) * h;
        g.beginPath();
        g.arc(px, py, radius, 0, 2 * Math.PI);
        g.fillStyle = regression ? divergingCss(set.label[i] / scale) : classCss(set.label[i]);
        g.fill();
        g.stroke();
      }
    };
    draw(data.train, '#ffffff', 1.2);
    draw(data.validation, '#6b6b6b', 1.2);
    if (showTest.checked) draw(data.test, '#111111', 1.4);
    drawAxes(g, w, h, data.domain);
  }

  function renderLegend() {
    legend.replaceChildren();
    if (!data) return;
    const item = (/** @type {string} */ html) => {
      const span = document.createElement('span');
      span.className = 'legend-item';
      span.innerHTML = html;
      legend.append(span);
    };
    if (data.task === 'regression') {
      const stops = [-1, -0.5, 0, 0.5, 1].map((v) => divergingCss(v, HEAT_STRENGTH)).join(',');
      item(`<span class="legend-bar-label">${fmt(-scale)}</span><span class="legend-bar" style="background:linear-gradient(90deg,${stops})"></span><span class="legend-bar-label">${fmt(scale)}</span> <span class="legend-text">${t('output.scale')}</span>`);
    } else {
      for (let k = 0; k < data.classes; k++) {
        item(`<i class="swatch" style="background:${classCss(k)}"></i>${t('output.class', { k })}`);
      }
    }
    item('<i class="dot dot-train"></i>' + t('output.train'));
    if (data.validation?.x1?.length) item('<i class="dot dot-validation"></i>' + t('output.validation'));
    item('<i class="dot dot-test"></i>' + t('output.test'));
  }

  function relabel() {
    applyLabels(container, t);
    boundary.setAttribute('aria-label', t('output.aria'));
    renderLegend();
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
  showTest.checked = toggleFromUrl('test', ctx.landing ?? location.search);
  discretize.checked = toggleFromUrl('discretize', ctx.landing ?? location.search);
  showTest.addEventListener('change', () => {
    rememberToggle('test', showTest.checked);
    drawPoints();
  });
  discretize.addEventListener('change', () => {
    rememberToggle('discretize', discretize.checked);
    paintOutput(lastFrame);
  });
  new ResizeObserver(drawPoints).observe(plot);
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
        drawPoints();
        renderLegend();
        if (lastFrame) paintOutput(lastFrame);
      }
      if (changed.has('frame') && state.frame) {
        lastFrame = state.frame;
        paintOutput(lastFrame);
      }
      if (changed.has('lang')) {
        relabel();
        drawPoints(); // its axis labels are numbers in the page's language
      }
    },
  };
}

/** Light tick labels at the domain's ends and centre. */
function drawAxes(/** @type {CanvasRenderingContext2D} */ g, /** @type {number} */ w, /** @type {number} */ h, /** @type {number[]} */ domain) {
  const [x0, x1, , y1] = domain;
  g.fillStyle = 'rgba(30,30,30,0.55)';
  g.font = `${Math.max(10, Math.round(w / 40))}px system-ui, sans-serif`;
  g.textBaseline = 'bottom';
  g.textAlign = 'left';
  g.fillText(fmt(x0), 4, h - 3);
  g.textAlign = 'right';
  g.fillText(fmt(x1), w - 4, h - 3);
  g.textBaseline = 'top';
  g.fillText(fmt(y1), w - 4, 3);
  g.textAlign = 'left';
  g.fillText('x₂ ↑', 4, 3);
  g.textAlign = 'center';
  g.textBaseline = 'bottom';
  g.fillText('x₁ →', w / 2, h - 3);
}

function fmt(/** @type {number} */ v) {
  return formatNumber(Number(v.toPrecision(3)), { maximumSignificantDigits: 3 });
}

/** A number with `digits` decimals in the page's language (0.50, or 0,50 in French). */
function fixed(/** @type {number} */ v, /** @type {number} */ digits) {
  return formatNumber(v, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

