// @ts-check
/**
 * The course's forward-pass equations for the current network, in matrix form, with the shape
 * of every matrix for the current number m of training points and the parameter counts:
 * Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]), for l = 1..L, A[0] = X, Ŷ = A[L].
 */
import { activationFacts, outputDefault, wordFormula } from '../catalog.js';
import { feature } from '../data/features.js';
import { inSentence, nameLabel } from '../i18n.js';

export const STRINGS = {
  en: {
    'eq.title': 'Forward pass',
    'eq.m': 'm = {m} training points, one per column',
    'eq.layer': 'layer',
    'eq.equations': 'equations',
    'eq.shapes': 'shapes',
    'eq.params': 'parameters',
    'eq.input': 'input',
    'eq.output': 'output',
    'eq.hidden': 'hidden',
    'eq.total': 'Total parameters',
    'eq.broadcast': 'is added to each of the m columns (broadcasting).',
    'eq.cost': 'Loss:',
    'eq.check': 'product',
    'eq.features': 'features: {list}',
    'eq.activations': 'Activations used:',
    'eq.if': 'if',
    'eq.otherwise': 'otherwise',
    'eq.linear': 'linear',
    'eq.bn': 'Batch normalization (BN): μ and σ² are the mean and variance of each neuron’s z over the mini-batch while training, their running averages for the grids and the metrics; ε = 10⁻⁵; γ and β are learned.',
  },
  fr: {
    'eq.title': 'Passe en avant',
    'eq.m': 'm = {m} points d’entraînement, un par colonne',
    'eq.layer': 'couche',
    'eq.equations': 'équations',
    'eq.shapes': 'dimensions',
    'eq.params': 'paramètres',
    'eq.input': 'entrée',
    'eq.output': 'sortie',
    'eq.hidden': 'cachée',
    'eq.total': 'Nombre total de paramètres',
    'eq.broadcast': 'est ajouté à chacune des m colonnes (broadcasting).',
    'eq.cost': 'Fonction de coût :',
    'eq.check': 'produit',
    'eq.features': 'caractéristiques : {list}',
    'eq.activations': 'Activations utilisées :',
    'eq.if': 'si',
    'eq.otherwise': 'sinon',
    'eq.linear': 'linéaire',
    'eq.bn': 'Normalisation par lots (BN) : μ et σ² sont la moyenne et la variance du z de chaque neurone sur le mini-lot pendant l’entraînement, leurs moyennes mobiles pour les grilles et les métriques ; ε = 10⁻⁵ ; γ et β sont appris.',
  },
};

const LOSSES = /** @type {Record<string, string>} */ ({
  bce: '−[y log ŷ + (1 − y) log(1 − ŷ)]',
  cce: '−Σ<sub>k</sub> y<sub>k</sub> log ŷ<sub>k</sub>',
  mse: '½ (ŷ − y)<sup>2</sup>',
});

/**
 * The layer sizes n[0..L] and activations g[1..L] of a config; `auto` output fields are the
 * server's resolved ones, else the catalog's default for the task.
 * @param {any} config
 * @param {any} data the `data` message (task, classes), or null
 * @param {any} [catalog] the server's catalog (its `output_defaults`)
 * @returns {{sizes: number[], activations: string[], loss: string, batchNorm: boolean[]}}
 */
export function architecture(config, data, catalog = null) {
  const task = data?.task ?? 'binary';
  const n0 = Array.isArray(config?.features) ? config.features.length : 2;
  /** @type {{units: number, activation: string, batch_norm?: boolean}[]} */
  const hidden = Array.isArray(config?.hidden) ? config.hidden : [];
  const nL = task === 'multiclass' ? Math.max(2, Number(data?.classes) || 2) : 1;
  const def = outputDefault(catalog, task) ?? { activation: 'auto', loss: 'auto' };
  const out = config?.output ?? {};
  const pick = (/** @type {unknown} */ v, /** @type {unknown} */ resolved, /** @type {string} */ fallback) => {
    if (typeof v === 'string' && v !== 'auto') return v;
    return typeof resolved === 'string' && resolved !== 'auto' ? resolved : fallback;
  };
  return {
    sizes: [n0, ...hidden.map((h) => Number(h.units) || 0), nL],
    activations: [...hidden.map((h) => String(h.activation)), pick(out.activation, out.resolved_activation, def.activation)],
    loss: pick(out.loss, out.resolved_loss, def.loss),
    batchNorm: [...hidden.map((h) => Boolean(h.batch_norm)), false],
  };
}

/**
 * Parameters of layer l: n[l]·n[l−1] weights + n[l] biases (+ 2·n[l] for γ and β with BN).
 * @param {number[]} sizes
 * @param {boolean[]} batchNorm
 */
function paramCounts(sizes, batchNorm) {
  const counts = [];
  for (let l = 1; l < sizes.length; l++) counts.push(sizes[l] * sizes[l - 1] + sizes[l] + (batchNorm[l - 1] ? 2 * sizes[l] : 0));
  return counts;
}

/**
 * An HTML formula as a tooltip writes it: e<sup>z</sup> → e^z.
 * @param {string} html
 */
const plain = (html) => html.replace(/<sup>/g, '^').replace(/<sub>/g, '_').replace(/<[^>]+>/g, '');

/** @param {string} name @param {string | number} l */
const sym = (name, l) => `<var>${name}</var><sup>[${l}]</sup>`;
/** @param {number | string} r @param {number | string} c */
const dim = (r, c) => `<span class="pp-dim">${r}×${c}</span>`;

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountEquations(container, ctx) {
  ctx.i18n.register(STRINGS);
  const t = ctx.t;
  container.classList.add('pp-panel', 'pp-eq');
  container.innerHTML = `
    <h2 class="pp-title"></h2>
    <p class="pp-eq-m"></p>
    <div class="pp-eq-body" tabindex="0" role="region" aria-label="W, b, Z, A"></div>
    <p class="pp-eq-total"><span class="pp-eq-total-label"></span>
      <b class="pp-eq-total-n" data-testid="param-count">0</b> <span class="pp-eq-sum"></span></p>
    <p class="pp-hint pp-eq-broadcast"></p>
    <div class="pp-eq-defs"></div>`;
  const q = (/** @type {string} */ s) => /** @type {HTMLElement} */ (container.querySelector(s));

  /** @type {any} */ let config = null;
  /** @type {any} */ let data = null;
  /** @type {any} */ let catalog = null;

  function render() {
    const { sizes, activations, loss, batchNorm } = architecture(config, data, catalog);
    const L = sizes.length - 1;
    const m = data?.train?.x1?.length ?? 0;
    const ms = m > 0 ? String(m) : '<var>m</var>';
    const counts = paramCounts(sizes, batchNorm);
    const total = counts.reduce((a, b) => a + b, 0);
    q('.pp-title').textContent = t('eq.title');
    q('.pp-eq-m').innerHTML = t('eq.m', { m: m > 0 ? m : 'm' });
    const features = Array.isArray(config?.features) ? config.features : ['x1', 'x2'];
    const rows = [`
      <tr class="pp-eq-input">
        <th scope="row">0 <small>${t('eq.input')}</small></th>
        <td><var>A</var><sup>[0]</sup> = <var>X</var> <small class="pp-eq-feat">(${t('eq.features', { list: features.map((/** @type {string} */ f) => feature(f)?.html ?? f).join(', ') })})</small></td>
        <td>${sym('A', 0)} : ${dim(sizes[0], ms)}</td>
        <td class="pp-num">—</td>
      </tr>`];
    for (let l = 1; l <= L; l++) {
      const g = activationFacts(catalog, activations[l - 1])?.symbol ?? activations[l - 1];
      const kind = l === L ? t('eq.output') : t('eq.hidden');
      const bn = batchNorm[l - 1];
      const input = bn ? sym('Z̃', l) : sym('Z', l);
      rows.push(`
      <tr data-layer="${l}">
        <th scope="row">${l} <small>${kind}</small></th>
        <td class="pp-eq-lines">
          <div>${sym('Z', l)} = ${sym('W', l)} ${sym('A', l - 1)} + ${sym('b', l)}</div>
          ${bn ? `<div data-testid="eq-bn-${l}">${input} = ${sym('γ', l)} (${sym('Z', l)} − <var>μ</var>) / √(<var>σ</var><sup>2</sup> + <var>ε</var>) + ${sym('β', l)}</div>` : ''}
          <div>${sym('A', l)} = <span class="pp-g" data-testid="eq-g-${l}">${g}</span>(${input})${l === L ? ' = <var>Ŷ</var>' : ''}</div>
        </td>
        <td class="pp-eq-shapes">
          <div>${sym('W', l)} : ${dim(sizes[l], sizes[l - 1])}, ${sym('b', l)} : ${dim(sizes[l], 1)}${bn ? `, ${sym('γ', l)}, ${sym('β', l)} : ${dim(sizes[l], 1)}` : ''}</div>
          <div>${sym('Z', l)}, ${sym('A', l)} : ${dim(sizes[l], ms)}</div>
          <div class="pp-eq-check" title="${t('eq.check')}">(${sizes[l]}×${sizes[l - 1]})(${sizes[l - 1]}×${ms}) → ${sizes[l]}×${ms}</div>
        </td>
        <td class="pp-num" data-testid="params-${l}"><span class="pp-eq-arith">${sizes[l]}·${sizes[l - 1]} + ${sizes[l]}${bn ? ` + 2·${sizes[l]}` : ''} =</span> ${counts[l - 1]}</td>
      </tr>`);
    }
    q('.pp-eq-body').innerHTML = `
      <table class="pp-eq-table">
        <thead><tr><th>${t('eq.layer')}</th><th>${t('eq.equations')}</th><th>${t('eq.shapes')}</th><th>${t('eq.params')}</th></tr></thead>
        <tbody>${rows.join('')}</tbody>
      </table>
      <p class="pp-eq-cost">${t('eq.cost')} <var>J</var> = <sup>1</sup>⁄<sub><var>m</var></sub> Σ<sub><var>i</var>=1..<var>m</var></sub> ℒ(<var>ŷ</var><sup>(<var>i</var>)</sup>, <var>y</var><sup>(<var>i</var>)</sup>),
        ℒ(<var>ŷ</var>, <var>y</var>) = ${LOSSES[loss] ?? loss} <small>(${inSentence(nameLabel(t, loss))})</small></p>`;
    q('.pp-eq-total-label').textContent = t('eq.total');
    q('[data-testid="param-count"]').textContent = String(total);
    q('.pp-eq-broadcast').innerHTML = `${sym('b', 'l')} ${t('eq.broadcast')}${batchNorm.some(Boolean) ? ` ${t('eq.bn')}` : ''}`;
    q('.pp-eq-sum').textContent = counts.length > 1 ? `= ${counts.join(' + ')}` : '';
    const used = [...new Set(activations)].flatMap((a) => activationFacts(catalog, a) ?? []);
    const def = (/** @type {import('../catalog.js').ActivationFacts} */ g) => `<span class="pp-eq-def" title="${plain(wordFormula(g.derivative, g.constants, t))}">${wordFormula(g.formula, g.constants, t)}</span>`;
    q('.pp-eq-defs').innerHTML = `<span class="pp-label">${t('eq.activations')}</span> ${used.map(def).join(' ')}`;
  }

  render();
  return {
    update(state, changed) {
      let dirty = changed.has('lang');
      if (changed.has('config') && state.config) { config = state.config; dirty = true; }
      if (changed.has('data') && state.data) { data = state.data; dirty = true; }
      if (changed.has('catalog') && state.catalog) { catalog = state.catalog; dirty = true; }
      if (dirty) render();
    },
  };
}
