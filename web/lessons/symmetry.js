// @ts-check
/**
 * Symmetry: for each hidden layer, whether all its neurons are identical
 * (diagnostics.layers[l].symmetric), their incoming weights W[l] row by row and their
 * thumbnails, so a class sees identical rows and identical pictures after a zero init.
 */
import { valueAt } from '../frame.js';
import { divergingLut } from '../palette.js';
import { diagnosticLayers, frameMatrix, h, hiddenLayers, matrixView, redraws, sym, throttle, translator } from './util.js';

export const STRINGS = {
  en: {
    'lessons.tab.symmetry': 'Symmetry',
    'sym.same': 'Layer {l}: all {units} neurons are identical.',
    'sym.different': 'Layer {l}: the neurons differ.',
    'sym.why': 'Why: when every weight starts at the same value (zeros, or any constant), every neuron of a layer computes the same output, receives the same gradient and takes the same step. They stay clones for ever, and the layer is no better than one neuron. Random initial weights break the symmetry.',
    'sym.weights': 'one row per neuron: its incoming weights',
    'sym.fix': 'Break the symmetry: Xavier',
    'sym.waiting': 'Weights appear with the first frame.',
    'sym.none': 'This network has no hidden layer.',
  },
  fr: {
    'lessons.tab.symmetry': 'Symétrie',
    'sym.same': 'Couche {l} : les {units} neurones sont identiques.',
    'sym.different': 'Couche {l} : les neurones sont différents.',
    'sym.why': 'Pourquoi : quand tous les poids partent de la même valeur (zéro, ou une constante), tous les neurones d’une couche calculent la même sortie, reçoivent le même gradient et font le même pas. Ils restent des clones pour toujours, et la couche ne vaut pas mieux qu’un seul neurone. Des poids initiaux aléatoires brisent la symétrie.',
    'sym.weights': 'une ligne par neurone : ses poids entrants',
    'sym.fix': 'Briser la symétrie : Xavier',
    'sym.waiting': 'Les poids apparaissent avec la première trame.',
    'sym.none': 'Ce réseau n’a pas de couche cachée.',
  },
};

const LUT = divergingLut(1);

/**
 * Draws neuron j of a `neurons/<l>` frame array (n, r, r) on a canvas at grid resolution.
 * @param {HTMLCanvasElement} canvas
 * @param {import('../frame.js').FrameArray} array
 * @param {number} j
 */
function drawThumbnail(canvas, array, j) {
  const [, r, c] = array.shape;
  if (canvas.width !== c || canvas.height !== r) { canvas.width = c; canvas.height = r; }
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const image = g.createImageData(c, r);
  const px = new Uint32Array(image.data.buffer);
  const base = j * r * c;
  const [lo, hi] = array.range ?? [-1, 1];
  const span = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  for (let i = 0; i < r * c; i++) {
    const v = valueAt(array, base + i);
    px[i] = LUT[Math.max(0, Math.min(255, Math.round(((v / span + 1) / 2) * 255)))];
  }
  g.putImageData(image, 0, 0);
}

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountSymmetry(container, ctx) {
  const t = translator(ctx);
  const layersBox = h('div', { class: 'ls-sym-layers' });
  const why = h('p', { class: 'ls-explain' });
  const fix = h('button', { class: 'ls-btn', type: 'button', 'data-testid': 'symmetry-fix' });
  fix.addEventListener('click', () => {
    const relu = hiddenLayers(ctx.store?.state?.config).some((l) => l.activation === 'relu');
    ctx.configure({ init: relu ? 'he' : 'xavier' });
  });
  container.append(layersBox, h('div', {}, [fix]), why);
  /** @type {any} */ let state = null;

  /** @type {Record<number, {card: HTMLElement, banner: HTMLElement, weights: ReturnType<typeof matrixView>, thumbs: HTMLElement}>} */
  let cards = {};
  let layout = '';

  /** Builds one card per hidden layer when the layers (or the language) change. */
  function ensureCards(/** @type {number[]} */ present) {
    const key = `${present.join(',')}|${state?.lang}`;
    if (key === layout) return;
    layout = key;
    cards = {};
    layersBox.replaceChildren(...present.map((l) => {
      const banner = h('p', { class: 'ls-banner' });
      const weights = matrixView(sym('W', l), { testid: `symmetry-weights-${l}`, note: t('sym.weights') });
      const thumbs = h('div', { class: 'ls-thumbs' });
      const card = h('section', { class: 'ls-sym-layer', 'data-testid': `symmetry-layer-${l}` }, [
        banner, h('div', { class: 'ls-sym-row' }, [weights.element, thumbs]),
      ]);
      cards[l] = { card, banner, weights, thumbs };
      return card;
    }));
  }

  const draw = throttle(() => {
    const frame = state?.frame;
    const header = frame?.header;
    const hidden = hiddenLayers(state?.config);
    const present = diagnosticLayers(header).filter((l) => l <= hidden.length);
    if (!hidden.length || !present.length) {
      layout = '';
      layersBox.replaceChildren(h('p', { class: 'ls-hint', text: t(hidden.length ? 'sym.waiting' : 'sym.none') }));
      return;
    }
    ensureCards(present);
    for (const l of present) {
      const { card, banner, weights, thumbs } = cards[l];
      const same = Boolean(header.diagnostics.layers[String(l)]?.symmetric);
      card.classList.toggle('ls-sym-same', same);
      card.setAttribute('data-symmetric', String(same));
      banner.className = same ? 'ls-banner ls-banner-warn' : 'ls-banner';
      if (same) banner.setAttribute('data-testid', 'symmetry-banner');
      else banner.removeAttribute('data-testid');
      banner.textContent = t(same ? 'sym.same' : 'sym.different', { l, units: hidden[l - 1]?.units ?? '' });
      const W = frameMatrix(frame, `W/${l}`);
      if (W) weights.set(W);
      const neurons = frame.arrays?.[`neurons/${l}`];
      if (neurons && neurons.shape.length === 3) {
        while (thumbs.children.length > neurons.shape[0]) thumbs.lastElementChild?.remove();
        while (thumbs.children.length < neurons.shape[0]) thumbs.append(h('canvas', { class: 'ls-thumb', 'aria-hidden': 'true' }));
        [...thumbs.children].forEach((c, j) => drawThumbnail(/** @type {HTMLCanvasElement} */ (c), neurons, j));
      }
    }
  }, 200);

  function labels() {
    why.textContent = t('sym.why');
    fix.textContent = t('sym.fix');
  }

  labels();
  return {
    /** @param {import('../state.js').AppState} next @param {Set<string>} changed @param {boolean} visible */
    update(next, changed, visible) {
      state = next;
      if (changed.has('lang')) labels();
      if (redraws(changed, visible)) draw();
    },
  };
}
