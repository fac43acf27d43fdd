// @ts-check
/**
 * The course's figure "Visualisation de l'impact de l'initialisation", as the slide draws it:
 * one row per initialization (zeros, bounded uniform, Xavier), one histogram of the tanh
 * activations A[l] per layer. The server computes it once on a 256-4×500 tanh network
 * (`GET /api/init-figure`, engine/init_figure.py); the live network above has at most eight
 * units per layer, too few for the bounded uniform's fading to show.
 */
import { drawHistogram, fmt, h, layerColor, translator } from './util.js';

export const FIGURE_URL = '/api/init-figure';

export const STRINGS = {
  en: {
    'figure.title': 'The course’s figure',
    'figure.explain': 'Computed once by the server, not copied from the slide: a tanh network shaped like the course’s, {depth} hidden layers of {width} neurons, on {inputs} synthetic inputs (random Gaussian features, mean 0 and variance 1, standing in for the course’s handwritten digits, which the playground does not ship) and {samples} samples. Each panel is the histogram of one layer’s activations on [−1, 1]. The slide says only “bounded uniform”: drawing it as U[−1/√n[l−1], 1/√n[l−1]] (Glorot and Bengio’s “standard” initialization) is our reading. Under each name, the slide’s caption, then what is drawn here: with Xavier the spread falls too, from {xavierFirst} to {xavierLast}, but far less than with the bounded uniform ({uniformFirst} to {uniformLast}). These layers are much wider than the playground’s (at most eight neurons), which is why the bounded uniform’s signal fades here and not in the live network above: with a few hundred inputs per neuron, their weighted sum behaves as its variance says.',
    'figure.zeros': 'Zero initialization',
    'figure.uniform_scaled': 'Bounded uniform, read as U[−1/√n[l−1], 1/√n[l−1]]',
    'figure.xavier': 'Xavier N(0, 1/n[l−1])',
    'figure.caption.zeros': 'slide: “the signal is zero”',
    'figure.caption.uniform_scaled': 'slide: “the signal fades”',
    'figure.caption.xavier': 'slide: “the signal stays stable”',
    'figure.drawn': 'here: std {first} → {last}',
    'figure.layer': 'A[{l}]',
    'figure.std': 'std {std}',
    'figure.loading': 'Loading the figure…',
    'figure.failed': 'The figure could not be loaded.',
    'figure.source': 'Source: Glorot and Bengio, 2010, “Understanding the difficulty of training deep feedforward neural networks”, the paper the slide cites.',
  },
  fr: {
    'figure.title': 'La figure du cours',
    'figure.explain': 'Calculée une fois par le serveur, pas recopiée de la diapositive : un réseau tanh de la forme de celui du cours, {depth} couches cachées de {width} neurones, sur {inputs} entrées synthétiques (des caractéristiques gaussiennes aléatoires, de moyenne 0 et de variance 1, à la place des chiffres manuscrits du cours, que le terrain de jeu ne fournit pas) et {samples} exemples. Chaque panneau est l’histogramme des activations d’une couche sur [−1, 1]. La diapositive dit seulement « uniforme bornée » : la tirer comme U[−1/√n[l−1], 1/√n[l−1]] (l’initialisation « standard » de Glorot et Bengio) est notre lecture. Sous chaque nom, la légende de la diapositive, puis ce qui est tracé ici : avec Xavier, la dispersion baisse aussi, de {xavierFirst} à {xavierLast}, mais bien moins qu’avec l’uniforme bornée ({uniformFirst} à {uniformLast}). Ces couches sont bien plus larges que celles du terrain de jeu (huit neurones au plus) : c’est pourquoi le signal de l’uniforme bornée s’estompe ici et non dans le réseau ci-dessus. Avec quelques centaines d’entrées par neurone, leur somme pondérée se comporte comme sa variance le prévoit.',
    'figure.zeros': 'Initialisation à zéro',
    'figure.uniform_scaled': 'Initialisation uniforme bornée, lue comme U[−1/√n[l−1], 1/√n[l−1]]',
    'figure.xavier': 'Initialisation de Xavier N(0, 1/n[l−1])',
    'figure.caption.zeros': 'diapositive : « le signal globalement nul »',
    'figure.caption.uniform_scaled': 'diapositive : « le signal s’estompe »',
    'figure.caption.xavier': 'diapositive : « le signal reste stable »',
    'figure.drawn': 'ici : écart type {first} → {last}',
    'figure.layer': 'A[{l}]',
    'figure.std': 'écart type {std}',
    'figure.loading': 'Chargement de la figure…',
    'figure.failed': 'La figure n’a pas pu être chargée.',
    'figure.source': 'Source : Glorot et Bengio, 2010, l’article que cite la diapositive.',
  },
};

/**
 * @typedef {{l: number, counts: number[], mean: number, std: number}} FigureLayer
 * @typedef {{init: string, layers: FigureLayer[]}} FigureRow
 * @typedef {{network: {sizes: number[], samples: number}, range: [number, number], bins: number, rows: FigureRow[]}} Figure
 */

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 * @param {() => Promise<Figure>} [load]  fetches the figure (the server's route by default)
 */
export function mountInitFigure(container, ctx, load = fetchFigure) {
  const t = translator(ctx);
  const title = h('h3', { class: 'ls-subtitle' });
  const explain = h('p', { class: 'ls-explain' });
  const status = h('p', { class: 'ls-hint', 'data-testid': 'init-figure-status' });
  const grid = h('div', { class: 'ls-figure', 'data-testid': 'init-figure' });
  const source = h('p', { class: 'ls-hint' });
  container.append(h('section', { class: 'ls-figure-section' }, [title, status, grid, explain, source]));

  /** @type {Figure | null} */ let figure = null;
  /** @type {Promise<void> | null} */ let loading = null;
  let built = '';
  let visible = false;
  /** @type {{canvas: HTMLCanvasElement, counts: number[], l: number}[]} */ let panels = [];

  /**
   * The std of an init's first and last layer, as drawn: `{xavierFirst, xavierLast}`.
   * @param {string} init
   */
  function spread(init) {
    const layers = figure?.rows.find((row) => row.init === init)?.layers ?? [];
    const name = init === 'xavier' ? 'xavier' : 'uniform';
    return { [`${name}First`]: layers.length ? fmt(layers[0].std, 2) : '–', [`${name}Last`]: layers.length ? fmt(layers[layers.length - 1].std, 2) : '–' };
  }

  function labels() {
    title.textContent = t('figure.title');
    source.textContent = t('figure.source');
    if (!figure) return;
    const sizes = figure.network.sizes;
    explain.textContent = t('figure.explain', {
      inputs: sizes[0], depth: sizes.length - 1, width: sizes[1], samples: figure.network.samples,
      ...spread('xavier'), ...spread('uniform_scaled'),
    });
  }

  /** One row per init: its name and the slide's caption, then a small canvas per layer. */
  function build() {
    const lang = String(ctx.i18n?.lang ?? '');
    if (!figure || built === lang) return;
    built = lang;
    panels = [];
    grid.replaceChildren(...figure.rows.map((row) => {
      const cells = row.layers.map((layer) => {
        const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', {
          class: 'ls-hist ls-figure-hist', role: 'img', 'data-testid': `figure-${row.init}-${layer.l}`,
          'data-std': layer.std, 'data-mean': layer.mean,
          'aria-label': `${t(`figure.${row.init}`)}: ${t('figure.layer', { l: layer.l })}, ${t('figure.std', { std: fmt(layer.std, 2) })}`,
        }));
        panels.push({ canvas, counts: layer.counts, l: layer.l });
        return h('div', { class: 'ls-figure-cell' }, [
          h('div', { class: 'ls-label', text: t('figure.layer', { l: layer.l }) }),
          canvas,
          h('div', { class: 'ls-hint ls-num', text: t('figure.std', { std: fmt(layer.std, 2) }) }),
        ]);
      });
      return h('div', { class: 'ls-figure-row', 'data-init': row.init, 'data-testid': `figure-row-${row.init}` }, [
        h('div', { class: 'ls-figure-name' }, [
          h('div', { class: 'ls-hist-label', text: t(`figure.${row.init}`) }),
          h('div', { class: 'ls-figure-caption', text: t(`figure.caption.${row.init}`) }),
          h('div', { class: 'ls-figure-caption ls-num', 'data-testid': `figure-drawn-${row.init}`, text: t('figure.drawn', {
            first: fmt(row.layers[0]?.std ?? NaN, 2), last: fmt(row.layers[row.layers.length - 1]?.std ?? NaN, 2),
          }) }),
        ]),
        ...cells,
      ]);
    }));
  }

  function draw() {
    if (!figure || !visible) return;
    build();
    const range = figure.range;
    for (const p of panels) drawHistogram(p.canvas, p.counts, range, layerColor(p.l));
    grid.setAttribute('data-drawn', 'true');
  }

  function ensureLoaded() {
    if (figure || loading) return;
    status.textContent = t('figure.loading');
    loading = load().then((f) => {
      figure = f;
      status.textContent = '';
      status.hidden = true;
      labels();
      draw();
    }, () => {
      status.textContent = t('figure.failed');
      loading = null;
    });
  }

  labels();
  return {
    /**
     * @param {any} _next
     * @param {Set<string>} changed
     * @param {boolean} shown
     */
    update(_next, changed, shown) {
      visible = shown;
      if (!shown) return;
      ensureLoaded();
      if (changed.has('lang')) labels();
      // Frames do not change the figure: only the language or the panel's size redraws it.
      if (changed.has('lang') || changed.has('config')) draw();
    },
  };
}

/** @returns {Promise<Figure>} */
async function fetchFigure() {
  const response = await fetch(FIGURE_URL);
  if (!response.ok) throw new Error(`${FIGURE_URL}: ${response.status}`);
  return response.json();
}
