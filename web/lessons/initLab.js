// @ts-check
/**
 * The initialization lab: per layer, live histograms of the activations A[l] and of the
 * gradients dW[l] (frame.header.diagnostics), with the initializer switch. On a deep tanh
 * network zeros kill the signal, small weights fade it, Xavier keeps it.
 */
import { inSentence, nameLabel } from '../i18n.js';
import { diagnosticLayers, drawHistogram, fmt, h, hiddenLayers, layerColor, redraws, throttle, translator } from './util.js';

export const INITS = ['zeros', 'constant', 'uniform', 'normal', 'xavier', 'he'];

export const STRINGS = {
  en: {
    'lessons.tab.init': 'Initialization',
    'init.switch': 'Initial weights:',
    'init.zeros': 'zeros',
    'init.constant': 'constant 0.5',
    'init.uniform': 'uniform [−1, 1]',
    'init.normal': 'small normal (σ 0.1)',
    'init.xavier': 'Xavier',
    'init.he': 'He',
    'init.explain': 'Each row is one layer: the histogram of its activations A[l] on the training points (left) and of its weight gradients dW[l] (right). With zeros every activation is 0 and the signal vanishes. With small weights (normal, σ 0.1) the signal fades from layer to layer. Uniform [−1, 1] suits small networks but is too large for wide layers, where tanh saturates at ±1. Xavier (Glorot and Bengio, 2010) draws weights with variance 1/n[l−1] and keeps the spread of A[l] about the same in every layer; for ReLU, He (variance 2/n[l−1]) does the same.',
    'init.layer': 'Layer {l} · {activation} · {units} units',
    'init.output': 'Output layer {l} · {activation}',
    'init.activations': 'activations A[{l}]',
    'init.gradients': 'gradients dW[{l}]',
    'init.stats': 'mean {mean}, std {std}, gradient norm {norm}',
    'init.waiting': 'The histograms appear with the first frame: press play or step.',
    'init.rebuild': 'Changing the initializer starts a new network at epoch 0.',
    'init.symmetric': 'all neurons identical (see Symmetry)',
    'init.noHidden': 'This network has no hidden layer: add one to watch the signal travel through the layers.',
  },
  fr: {
    'lessons.tab.init': 'Initialisation',
    'init.switch': 'Poids initiaux :',
    'init.zeros': 'zéros',
    'init.constant': 'constante 0,5',
    'init.uniform': 'uniforme [−1, 1]',
    'init.normal': 'petite normale (σ 0,1)',
    'init.xavier': 'Xavier',
    'init.he': 'He',
    'init.explain': 'Chaque ligne est une couche : l’histogramme de ses activations A[l] sur les points d’entraînement (à gauche) et de ses gradients de poids dW[l] (à droite). Avec des zéros, toutes les activations valent 0 et le signal disparaît. Avec de petits poids (normale, σ 0,1), le signal s’estompe de couche en couche. L’uniforme [−1, 1] convient aux petits réseaux mais est trop grande pour des couches larges, où tanh sature à ±1. Xavier (Glorot et Bengio, 2010) tire des poids de variance 1/n[l−1] et garde la dispersion de A[l] à peu près la même dans chaque couche ; pour ReLU, He (variance 2/n[l−1]) fait de même.',
    'init.layer': 'Couche {l} · {activation} · {units} neurones',
    'init.output': 'Couche de sortie {l} · {activation}',
    'init.activations': 'activations A[{l}]',
    'init.gradients': 'gradients dW[{l}]',
    'init.stats': 'moyenne {mean}, écart type {std}, norme du gradient {norm}',
    'init.waiting': 'Les histogrammes apparaissent avec la première trame : lancez ou avancez l’entraînement.',
    'init.rebuild': 'Changer l’initialisation repart d’un nouveau réseau à l’époque 0.',
    'init.symmetric': 'neurones tous identiques (voir Symétrie)',
    'init.noHidden': 'Ce réseau n’a pas de couche cachée : ajoutez-en une pour suivre le signal de couche en couche.',
  },
};

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountInitLab(container, ctx) {
  const t = translator(ctx);
  const switchLabel = h('span', { class: 'ls-label' });
  const switcher = h('div', { class: 'ls-switch', role: 'group', 'data-testid': 'init-switch' }, [switchLabel]);
  /** @type {Record<string, HTMLElement>} */ const buttons = {};
  for (const name of INITS) {
    const b = h('button', { class: 'ls-btn', type: 'button', 'data-testid': `init-${name}`, 'data-init': name });
    b.addEventListener('click', () => ctx.configure({ init: name }));
    buttons[name] = b;
    switcher.append(b);
  }
  const rebuild = h('p', { class: 'ls-hint' });
  const explain = h('p', { class: 'ls-explain' });
  const waiting = h('p', { class: 'ls-hint' });
  const rows = h('div', { class: 'ls-hist-rows', 'data-testid': 'init-histograms' });
  container.append(switcher, rebuild, rows, waiting, explain);

  /** @type {any} */ let state = null;
  let layout = '';
  /** @type {Record<number, {label: HTMLElement, stats: HTMLElement, same: HTMLElement, act: HTMLCanvasElement, grad: HTMLCanvasElement, actLabel: HTMLElement, gradLabel: HTMLElement}>} */
  let cells = {};

  function labels() {
    switchLabel.textContent = t('init.switch');
    for (const name of INITS) buttons[name].textContent = t(`init.${name}`);
    rebuild.textContent = t('init.rebuild');
    explain.textContent = t('init.explain');
    waiting.textContent = t(hiddenLayers(state?.config).length ? 'init.waiting' : 'init.noHidden');
  }

  /** Rebuilds the rows when the set of layers, their kind (output included) or the language changes. */
  function ensureRows(/** @type {number[]} */ layers) {
    const hidden = hiddenLayers(state?.config);
    const key = JSON.stringify([layers, hidden, state?.config?.output, state?.lang]);
    if (key === layout) return;
    layout = key;
    cells = {};
    rows.replaceChildren(...layers.map((l) => {
      const actCanvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'ls-hist', 'data-testid': `hist-act-${l}`, role: 'img' }));
      const gradCanvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'ls-hist', 'data-testid': `hist-grad-${l}`, role: 'img' }));
      const cell = {
        label: h('div', { class: 'ls-hist-label' }),
        stats: h('div', { class: 'ls-hint ls-num', 'data-testid': `hist-stats-${l}` }),
        same: h('div', { class: 'ls-badge ls-badge-warn', 'data-testid': `init-symmetric-${l}`, hidden: true, text: t('init.symmetric') }),
        act: actCanvas, grad: gradCanvas,
        actLabel: h('div', { class: 'ls-label' }), gradLabel: h('div', { class: 'ls-label' }),
      };
      cells[l] = cell;
      const isOutput = l > hidden.length;
      const activation = isOutput
        ? state?.config?.output?.resolved_activation ?? state?.config?.output?.activation ?? ''
        : hidden[l - 1]?.activation ?? '';
      const named = activation ? inSentence(nameLabel(t, activation)) : '';
      cell.label.textContent = isOutput
        ? t('init.output', { l, activation: named })
        : t('init.layer', { l, activation: named, units: hidden[l - 1]?.units ?? '' });
      cell.actLabel.textContent = t('init.activations', { l });
      cell.gradLabel.textContent = t('init.gradients', { l });
      actCanvas.setAttribute('aria-label', `${cell.label.textContent}: ${cell.actLabel.textContent}`);
      gradCanvas.setAttribute('aria-label', `${cell.label.textContent}: ${cell.gradLabel.textContent}`);
      return h('div', { class: 'ls-hist-row', 'data-layer': l }, [
        h('div', {}, [cell.label, cell.stats, cell.same]),
        h('div', {}, [cell.actLabel, actCanvas]),
        h('div', {}, [cell.gradLabel, gradCanvas]),
      ]);
    }));
  }

  const isOutputLayer = (/** @type {number} */ l) => l > hiddenLayers(state?.config).length;

  const draw = throttle(() => {
    const header = state?.frame?.header;
    const layers = diagnosticLayers(header);
    waiting.hidden = layers.length > 0;
    ensureRows(layers);
    for (const l of layers) {
      const d = header.diagnostics.layers[String(l)];
      const cell = cells[l];
      if (!d || !cell) continue;
      drawHistogram(cell.act, d.hist ?? [], d.edges ?? [0, 0], layerColor(l));
      drawHistogram(cell.grad, d.grad_hist ?? [], d.grad_edges ?? [0, 0], '#9aa1a9');
      cell.same.hidden = !d.symmetric || isOutputLayer(l);
      cell.stats.textContent = t('init.stats', { mean: fmt(d.mean, 2), std: fmt(d.std, 2), norm: fmt(d.grad_norm, 2) });
    }
  }, 150);

  labels();
  return {
    /** @param {any} next @param {Set<string>} changed @param {boolean} visible */
    update(next, changed, visible) {
      state = next;
      if (changed.has('lang') || changed.has('config')) labels();
      if (changed.has('config')) {
        for (const name of INITS) buttons[name].setAttribute('aria-pressed', String(next.config?.init === name));
      }
      if (redraws(changed, visible)) draw();
    },
  };
}
