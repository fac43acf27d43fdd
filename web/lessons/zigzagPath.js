// @ts-check
/**
 * The zigzag card's drawing: one neuron's two weights w₁, w₂, the loss over them (contour
 * bands) and the path gradient descent takes from the same start, one example per step, when
 * the neuron's inputs are sigmoid outputs (always positive) and when they are tanh outputs
 * (both signs). Computed by the server (GET /api/zigzag, engine/zigzag.py).
 */
import { formatPercent } from '../i18n.js';
import { fmt, h, prepareCanvas, translator } from './util.js';

export const STRINGS = {
  en: {
    'zigzag.title': 'The path of gradient descent on two weights',
    'zigzag.sigmoid': 'inputs from sigmoids (positive)',
    'zigzag.tanh': 'inputs from tanh (both signs)',
    'zigzag.stats': '{same} of the steps move w₁ and w₂ the same way; the path is {detour} times as long as the distance it covers.',
    'zigzag.legend': 'Loss J(w₁, w₂) in bands (darker is lower), {steps} steps of one example each from ○ towards the minimum ×.',
    'zigzag.failed': 'The drawing could not be loaded.',
  },
  fr: {
    'zigzag.title': 'Le chemin de la descente de gradient sur deux poids',
    'zigzag.sigmoid': 'entrées venant de sigmoïdes (positives)',
    'zigzag.tanh': 'entrées venant de tanh (des deux signes)',
    'zigzag.stats': '{same} des pas font bouger w₁ et w₂ dans le même sens ; le chemin est {detour} fois plus long que la distance parcourue.',
    'zigzag.legend': 'Coût J(w₁, w₂) en bandes (plus foncé : plus bas), {steps} pas d’un exemple chacun depuis ○ vers le minimum ×.',
    'zigzag.failed': 'Le dessin n’a pas pu être chargé.',
  },
};

const SIZE = 180;
const PATH_COLOR = { sigmoid: '#d55e00', tanh: '#0072b2' };

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountZigzagPath(container, ctx) {
  const t = translator(ctx);
  const title = h('h4', { class: 'ls-kind-head' });
  const legend = h('p', { class: 'ls-hint' });
  const row = h('div', { class: 'ls-zigzag-row' });
  const box = h('div', { class: 'ls-zigzag', 'data-testid': 'zigzag-path' }, [title, row, legend]);
  container.append(box);
  /** @type {any} */ let drawing = null;
  let failed = false;
  let seed = Number(ctx.store?.state?.config?.seed ?? 1);

  function load() {
    fetch(`/api/zigzag?seed=${seed}`).then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((json) => { drawing = json; failed = false; render(); }, () => { failed = true; render(); });
  }

  function render() {
    const lang = ctx.i18n?.lang;
    title.textContent = t('zigzag.title');
    if (failed) {
      legend.textContent = t('zigzag.failed');
      return;
    }
    if (!drawing) return;
    legend.textContent = t('zigzag.legend', { steps: drawing.steps });
    /** @type {(() => void)[]} */ const paint = [];
    row.replaceChildren(...['sigmoid', 'tanh'].map((output) => {
      const path = drawing.paths[output];
      const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'ls-zigzag-canvas', width: SIZE, height: SIZE }));
      canvas.style.width = canvas.style.height = `${SIZE}px`;
      const figure = h('figure', {
        class: 'ls-zigzag-panel', 'data-testid': `zigzag-${output}`,
        'data-same-sign': String(path.same_sign_steps), 'data-detour': String(path.detour),
      }, [
        canvas,
        h('figcaption', {}, [
          h('strong', { text: t(`zigzag.${output}`) }), ' ',
          t('zigzag.stats', {
            same: formatPercent(path.same_sign_steps, 0, lang),
            detour: fmt(path.detour, 2, lang),
          }),
        ]),
      ]);
      paint.push(() => draw(canvas, drawing, path, PATH_COLOR[/** @type {'sigmoid' | 'tanh'} */ (output)]));
      return figure;
    }));
    for (const p of paint) p();
  }

  load();
  return {
    /** @param {any} state @param {Set<string>} changed */
    update(state, changed) {
      const next = Number(state?.config?.seed ?? seed);
      if (changed.has('config') && next !== seed) {
        seed = next;
        load();
      } else if (changed.has('lang')) render();
    },
  };
}

/**
 * The loss in bands of log J and the path on top.
 * @param {HTMLCanvasElement} canvas
 * @param {any} drawing
 * @param {{weights: number[][], cost: number[][]}} path
 * @param {string} color
 */
function draw(canvas, drawing, path, color) {
  const { g } = prepareCanvas(canvas);
  const n = drawing.grid;
  const cell = SIZE / n;
  const logs = path.cost.flat().map((v) => Math.log10(v + 1e-4));
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  const bands = 10;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const band = Math.min(bands - 1, Math.floor(((logs[r * n + c] - lo) / (hi - lo || 1)) * bands));
      const shade = Math.round(150 + (105 * band) / (bands - 1));
      g.fillStyle = `rgb(${shade},${shade},${Math.min(255, shade + 10)})`;
      // Row 0 is the lowest w₂: drawn at the bottom.
      g.fillRect(c * cell, SIZE - (r + 1) * cell, cell + 0.5, cell + 0.5);
    }
  }
  const extent = drawing.extent;
  const x = (/** @type {number} */ w1) => ((w1 + extent) / (2 * extent)) * SIZE;
  const y = (/** @type {number} */ w2) => SIZE - ((w2 + extent) / (2 * extent)) * SIZE;
  g.strokeStyle = color;
  g.lineWidth = 1.5;
  g.beginPath();
  path.weights.forEach(([w1, w2], i) => (i ? g.lineTo(x(w1), y(w2)) : g.moveTo(x(w1), y(w2))));
  g.stroke();
  g.strokeStyle = '#1f2328';
  g.lineWidth = 2;
  const [s1, s2] = drawing.start;
  g.beginPath();
  g.arc(x(s1), y(s2), 4, 0, 2 * Math.PI);
  g.stroke();
  const [t1, t2] = drawing.target;
  g.beginPath();
  g.moveTo(x(t1) - 5, y(t2) - 5); g.lineTo(x(t1) + 5, y(t2) + 5);
  g.moveTo(x(t1) + 5, y(t2) - 5); g.lineTo(x(t1) - 5, y(t2) + 5);
  g.stroke();
}
