// @ts-check
/**
 * Linear collapse: when every hidden activation is linear (frame.header.collapse), the
 * network equals one layer W' = W[L]…W[1], b' = W[L](…(W[2]b[1] + b[2])…) + b[L]. Shows that
 * layer's boundary (the frame's `collapse_output`) beside the network's own (`output`), the
 * formula for the current depth, W' and b' computed from the frame's weights, and how far
 * apart the two pictures are.
 */
import { valueAt } from '../frame.js';
import { classLuts, divergingLut } from '../palette.js';
import { fmt, frameMatrix, h, hiddenLayers, matrixView, redraws, throttle, translator } from './util.js';

export const STRINGS = {
  en: {
    'lessons.tab.collapse': 'Linear collapse',
    'col.network': 'The network ({L} layers)',
    'col.single': 'The single equivalent layer',
    'col.same': 'They coincide: largest difference {diff} (on a 0–1 scale).',
    'col.off': 'This view works when every hidden activation is linear. Then the whole network collapses into a single layer.',
    'col.makeLinear': 'Make the hidden layers linear',
    'col.explain': 'Without a non-linear activation, each layer only multiplies by a matrix and adds a vector. A product of matrices is one matrix, so the {L} layers compute exactly Ŷ = g(W′X + b′): the same straight boundary as logistic regression, however deep the network. That is why hidden layers need a non-linearity.',
  },
  fr: {
    'lessons.tab.collapse': 'Effondrement linéaire',
    'col.network': 'Le réseau ({L} couches)',
    'col.single': 'La couche unique équivalente',
    'col.same': 'Elles coïncident : écart maximal {diff} (sur une échelle de 0 à 1).',
    'col.off': 'Cette vue s’active quand toutes les activations cachées sont linéaires. Le réseau entier se réduit alors à une seule couche.',
    'col.makeLinear': 'Rendre les couches cachées linéaires',
    'col.explain': 'Sans activation non linéaire, chaque couche ne fait que multiplier par une matrice et ajouter un vecteur. Un produit de matrices est une matrice : les {L} couches calculent exactement Ŷ = g(W′X + b′), la même frontière droite qu’une régression logistique, quelle que soit la profondeur. C’est pourquoi les couches cachées ont besoin d’une non-linéarité.',
  },
};

const RAMP = divergingLut(0.85);

/**
 * Draws an output array (C, R, R) at grid resolution: the probability of class 1 on the
 * diverging ramp (C = 1), or the most likely class in its color (C > 1).
 * @param {HTMLCanvasElement} canvas
 * @param {import('../frame.js').FrameArray} array
 */
export function drawOutput(canvas, array) {
  const [C, R, S] = array.shape.length === 3 ? array.shape : [1, array.shape[0], array.shape[1]];
  if (canvas.width !== S || canvas.height !== R) { canvas.width = S; canvas.height = R; }
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const image = g.createImageData(S, R);
  const px = new Uint32Array(image.data.buffer);
  const n = R * S;
  const [lo, hi] = array.range ?? [0, 1];
  const unit = (/** @type {number} */ i) => (hi > lo ? (valueAt(array, i) - lo) / (hi - lo) : 0.5);
  if (C === 1) {
    for (let i = 0; i < n; i++) px[i] = RAMP[Math.max(0, Math.min(255, Math.round(unit(i) * 255)))];
  } else {
    const luts = classLuts(C, 0.8);
    for (let i = 0; i < n; i++) {
      let best = 0, top = -Infinity;
      for (let k = 0; k < C; k++) { const v = unit(k * n + i); if (v > top) { top = v; best = k; } }
      px[i] = luts[best][Math.round(Math.max(0, Math.min(1, top)) * 255)];
    }
  }
  g.putImageData(image, 0, 0);
}

/**
 * Largest absolute difference between two output arrays, in units of their value range.
 * @param {import('../frame.js').FrameArray} a
 * @param {import('../frame.js').FrameArray} b
 */
export function maxDifference(a, b) {
  if (a.data.length !== b.data.length) return Infinity;
  const [alo, ahi] = a.range ?? [0, 1];
  const [blo, bhi] = b.range ?? [0, 1];
  const span = Math.max(ahi - alo, bhi - blo, 1e-12);
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(valueAt(a, i) - valueAt(b, i)));
  return max / span;
}

/**
 * The collapse formula for L layers, as HTML.
 * @param {number} L
 */
export function formulaHtml(L) {
  const s = (/** @type {string} */ n, /** @type {number} */ l) => `<var>${n}</var><sup>[${l}]</sup>`;
  const ws = [];
  for (let l = L; l >= 1; l--) ws.push(s('W', l));
  let bias = s('b', 1);
  for (let l = 2; l <= L; l++) bias = `${s('W', l)}${l > 2 ? `(${bias})` : bias} + ${s('b', l)}`;
  return `<var>W′</var> = ${ws.join(' ')}, &nbsp; <var>b′</var> = ${bias}`;
}

/**
 * W' and b' of the single layer from the frame's W/l and b/l (float32).
 * @param {any} frame
 * @param {number} L
 */
export function collapseFromFrame(frame, L) {
  /** @type {number[][] | undefined} */ let W = frameMatrix(frame, 'W/1')?.values;
  /** @type {number[][] | undefined} */ let b = frameMatrix(frame, 'b/1')?.values;
  if (!W || !b) return null;
  for (let l = 2; l <= L; l++) {
    const Wl = frameMatrix(frame, `W/${l}`)?.values;
    const bl = frameMatrix(frame, `b/${l}`)?.values;
    if (!Wl || !bl) return null;
    /** @type {number[][]} */ const prevW = W;
    /** @type {number[][]} */ const prevB = b;
    // W' ← W[l] W', b' ← W[l] b' + b[l]
    W = Wl.map((row) => prevW[0].map((_, j) => row.reduce((s, w, k) => s + w * prevW[k][j], 0)));
    b = Wl.map((row, i) => [row.reduce((s, w, k) => s + w * prevB[k][0], 0) + bl[i][0]]);
  }
  return { W: { shape: [W.length, W[0].length], values: W }, b: { shape: [b.length, 1], values: b } };
}

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountCollapse(container, ctx) {
  const t = translator(ctx);
  const off = h('div', { class: 'ls-col-off', 'data-testid': 'collapse-off' });
  const offText = h('p', { class: 'ls-hint' });
  const makeLinear = h('button', { class: 'ls-btn', type: 'button', 'data-testid': 'collapse-make-linear' });
  off.append(offText, makeLinear);
  const netCanvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'ls-boundary', 'data-testid': 'collapse-network', role: 'img' }));
  const oneCanvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'ls-boundary', 'data-testid': 'collapse-single', role: 'img' }));
  const netLabel = h('figcaption');
  const oneLabel = h('figcaption');
  const formula = h('p', { class: 'ls-formula', 'data-testid': 'collapse-formula' });
  const same = h('p', { class: 'ls-banner', 'data-testid': 'collapse-diff' });
  const singleW = matrixView('<var>W′</var>');
  const singleB = matrixView('<var>b′</var>');
  const matrices = h('div', { class: 'ls-matrices' }, [singleW.element, singleB.element]);
  const on = h('div', { class: 'ls-col-on', 'data-testid': 'collapse-view' }, [
    h('div', { class: 'ls-col-pair' }, [h('figure', {}, [netCanvas, netLabel]), h('figure', {}, [oneCanvas, oneLabel])]),
    same, formula, matrices,
  ]);
  const explain = h('p', { class: 'ls-explain' });
  container.append(off, on, explain);
  /** @type {any} */ let state = null;
  makeLinear.addEventListener('click', () => ctx.configure({
    hidden: hiddenLayers(state?.config).map((l) => ({ units: l.units, activation: 'linear' })),
  }));
  let L = 1;

  /** The words, the formula and the button, which follow the language and the depth. */
  function labels() {
    L = hiddenLayers(state?.config).length + 1;
    offText.textContent = t('col.off');
    makeLinear.textContent = t('col.makeLinear');
    makeLinear.toggleAttribute('disabled', L < 2);
    explain.textContent = t('col.explain', { L });
    netLabel.textContent = t('col.network', { L });
    oneLabel.textContent = t('col.single');
    netCanvas.setAttribute('aria-label', netLabel.textContent);
    oneCanvas.setAttribute('aria-label', oneLabel.textContent);
    formula.innerHTML = formulaHtml(L);
  }

  const draw = throttle(() => {
    const frame = state?.frame;
    const active = Boolean(frame?.header?.collapse) && frame.arrays?.collapse_output && frame.arrays?.output;
    on.hidden = !active;
    off.hidden = Boolean(active);
    if (!active) return;
    drawOutput(netCanvas, frame.arrays.output);
    drawOutput(oneCanvas, frame.arrays.collapse_output);
    const diff = maxDifference(frame.arrays.output, frame.arrays.collapse_output);
    same.textContent = t('col.same', { diff: fmt(diff, 2) });
    same.setAttribute('data-value', String(diff));
    const single = collapseFromFrame(frame, L);
    matrices.hidden = !single;
    if (single) {
      singleW.set(single.W);
      singleB.set(single.b);
    }
  }, 150);

  labels();
  return {
    /** @param {import('../state.js').AppState} next @param {Set<string>} changed @param {boolean} visible */
    update(next, changed, visible) {
      state = next;
      if (changed.has('lang') || changed.has('config')) labels();
      if (redraws(changed, visible)) draw();
    },
  };
}
