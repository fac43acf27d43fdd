// @ts-check
/**
 * The initialization lab: per layer, live histograms of the activations A[l] and of the
 * gradients dW[l] (frame.header.diagnostics), with the initializer switch. On a deep tanh
 * network zeros kill the signal, small weights fade it, Xavier keeps it.
 */
import { catalogNames } from '../catalog.js';
import { inSentence, nameLabel } from '../i18n.js';
import { experimentsOf, promiseParams } from './experiments.js';
import { mountInitFigure, STRINGS as FIGURE_STRINGS } from './initFigure.js';
import { diagnosticLayers, drawHistogram, fmt, h, hiddenLayers, layerColor, redraws, throttle, translator } from './util.js';

export const STRINGS = {
  en: {
    ...FIGURE_STRINGS.en,
    'lessons.tab.init': 'Initialization',
    'init.switch': 'Initial weights:',
    'init.zeros': 'zeros',
    'init.constant': 'constant 0.5',
    'init.uniform': 'uniform [−1, 1]',
    'init.normal': 'small normal (σ 0.1)',
    'init.large_normal': 'large normal (σ 5)',
    'init.xavier': 'Xavier',
    'init.he': 'He',
    'init.explain': 'Each row is one layer: the histogram of its activations A[l] on the training points (left) and of its weight gradients dW[l] (right). With zeros every Z[l] is 0, whatever the point: tanh and ReLU layers output 0, sigmoid layers 0.5 (σ(0) = 0.5), so the activations carry nothing of the input. With small weights (normal, σ 0.1) the signal fades from layer to layer: in the six tanh layers of eight neurons of the experiment on small weights, the sixth layer’s std is under {spread_ratio_high} of the first layer’s on every seed tried (each histogram prints its std). Xavier (Glorot and Bengio, 2010; beyond the course’s syllabus, which recommends small random weights, its idea 3) draws weights with variance 1/n[l−1] so that the spread of A[l] stays about the same from layer to layer; with only eight neurons per layer it still shrinks slowly here: the sixth layer keeps at least {xavier_spread_ratio_low} of the first layer’s std. The course’s figure (below) shows “bounded uniform” weights fading too: we read those as scaled by 1/√n[l−1], and its layers are hundreds of neurons wide. This playground’s uniform [−1, 1] is not scaled: with eight inputs per neuron its variance, 1/3, is larger than Xavier’s 1/8, and the sixth layer keeps at least {uniform_spread_ratio_low} of the first layer’s std, a few neurons saturating at ±1. For ReLU, He (variance 2/n[l−1], beyond the syllabus too) does what Xavier does for tanh. Large weights (normal, σ 5) put sigmoid and tanh neurons on their flat parts from the start.',
    'init.layer': 'Layer {l} · {activation} · {units} neurons',
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
    ...FIGURE_STRINGS.fr,
    'lessons.tab.init': 'Initialisation',
    'init.switch': 'Poids initiaux :',
    'init.zeros': 'zéros',
    'init.constant': 'constante 0,5',
    'init.uniform': 'uniforme [−1, 1]',
    'init.normal': 'petite normale (σ 0,1)',
    'init.large_normal': 'grande normale (σ 5)',
    'init.xavier': 'Xavier',
    'init.he': 'He',
    'init.explain': 'Chaque ligne est une couche : l’histogramme de ses activations A[l] sur les points d’entraînement (à gauche) et de ses gradients de poids dW[l] (à droite). Avec des zéros, chaque Z[l] vaut 0 quel que soit le point : les couches tanh et ReLU renvoient 0, les couches sigmoïdes 0,5 (σ(0) = 0,5), et les activations ne portent rien de l’entrée. Avec de petits poids (normale, σ 0,1), le signal s’estompe de couche en couche : dans les six couches tanh de huit neurones de l’expérience sur les petits poids, l’écart type de la sixième couche est inférieur à {spread_ratio_high} de celui de la première sur chaque graine essayée (chaque histogramme affiche son écart type). Xavier (Glorot et Bengio, 2010 ; hors matière, le cours recommande de petits poids aléatoires, son idée 3) tire des poids de variance 1/n[l−1] pour que la dispersion de A[l] reste à peu près la même d’une couche à l’autre ; avec seulement huit neurones par couche, elle diminue encore lentement ici : la sixième couche garde au moins {xavier_spread_ratio_low} de l’écart type de la première. La figure du cours (plus bas) montre aussi des poids « uniformes bornés » dont le signal s’estompe : nous les lisons comme mis à l’échelle par 1/√n[l−1], et ses couches ont des centaines de neurones. L’uniforme [−1, 1] de ce terrain de jeu ne l’est pas : avec huit entrées par neurone, sa variance, 1/3, dépasse celle de Xavier, 1/8, et la sixième couche garde au moins {uniform_spread_ratio_low} de l’écart type de la première, quelques neurones saturant à ±1. Pour ReLU, He (variance 2/n[l−1], hors matière lui aussi) fait ce que Xavier fait pour tanh. De grands poids (normale, σ 5) placent d’emblée les neurones sigmoïde et tanh sur leurs parties plates.',
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
 * @param {import('../state.js').ViewContext} ctx
 */
export function mountInitLab(container, ctx) {
  const t = translator(ctx);
  const switchLabel = h('span', { class: 'ls-label' });
  const switcher = h('div', { class: 'ls-switch', role: 'group', 'data-testid': 'init-switch' }, [switchLabel]);
  /** @type {Record<string, HTMLElement>} */ let buttons = {};
  /** The initializers, as the catalog lists them (engine/initializers.py): a button each. */
  /** @type {string[]} */ let inits = [];
  const rebuild = h('p', { class: 'ls-hint' });
  const explain = h('p', { class: 'ls-explain' });
  const waiting = h('p', { class: 'ls-hint' });
  const rows = h('div', { class: 'ls-hist-rows', 'data-testid': 'init-histograms' });
  container.append(switcher, rebuild, rows, waiting, explain);
  const figure = mountInitFigure(container, ctx);

  /** @type {import('../state.js').AppState | null} */ let state = null;
  let layout = '';
  /** @type {Record<number, {label: HTMLElement, stats: HTMLElement, same: HTMLElement, act: HTMLCanvasElement, grad: HTMLCanvasElement, actLabel: HTMLElement, gradLabel: HTMLElement}>} */
  let cells = {};

  /** One button per initializer of the catalog (none before it arrives). */
  function ensureButtons() {
    const names = catalogNames(state?.catalog, 'initializers');
    if (names.join() === inits.join()) return;
    inits = names;
    buttons = {};
    switcher.replaceChildren(switchLabel, ...names.map((name) => {
      const b = h('button', { class: 'ls-btn', type: 'button', 'data-testid': `init-${name}`, 'data-init': name });
      b.addEventListener('click', () => ctx.configure({ init: /** @type {import('../types/protocol').Config['init']} */ (name) }));
      buttons[name] = b;
      return b;
    }));
    pressed();
  }

  function pressed() {
    for (const name of inits) buttons[name].setAttribute('aria-pressed', String(state?.config?.init === name));
  }

  function labels() {
    ensureButtons();
    switchLabel.textContent = t('init.switch');
    for (const name of inits) buttons[name].textContent = t(`init.${name}`);
    rebuild.textContent = t('init.rebuild');
    // The numbers the text quotes are the deep initialization experiment's promise.
    const deep = experimentsOf(state).deep_init;
    explain.textContent = t('init.explain', deep ? promiseParams(deep, ctx.i18n.lang) : {});
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
      const d = header?.diagnostics?.layers[String(l)];
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
    /** @param {import('../state.js').AppState} next @param {Set<string>} changed @param {boolean} visible */
    update(next, changed, visible) {
      state = next;
      if (changed.has('lang') || changed.has('config') || changed.has('hello')) labels();
      if (changed.has('config')) pressed();
      if (redraws(changed, visible)) draw();
      figure.update(next, changed, visible);
    },
  };
}
