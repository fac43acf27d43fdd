// @ts-check
/**
 * The parameters-and-hyperparameters card's table: the parameters (W[l], b[l] of each layer,
 * learnt by gradient descent) with their shapes, and the hyperparameters (chosen before
 * training) with their current values, from the config.
 */
import { architecture } from '../views/equations.js';
import { fmt, h, translator } from './util.js';

export const STRINGS = {
  en: {
    'kinds.parameters': 'Parameters: learnt by gradient descent',
    'kinds.hyperparameters': 'Hyperparameters: chosen by you, before training',
    'kinds.weights': 'weights W[{l}]',
    'kinds.biases': 'biases b[{l}]',
    'kinds.values': '{rows} × {cols} = {count} values',
    'kinds.total': 'in all, {count} parameters',
    'kinds.layers': 'hidden layers',
    'kinds.units': 'neurons per hidden layer',
    'kinds.activation': 'activation',
    'kinds.init': 'initialization',
    'kinds.learningRate': 'learning rate',
    'kinds.optimizer': 'optimizer',
    'kinds.batchSize': 'batch size',
    'kinds.epochs': 'epochs',
    'kinds.epochsValue': 'as many as you train',
  },
  fr: {
    'kinds.parameters': 'Paramètres : appris par la descente de gradient',
    'kinds.hyperparameters': 'Hyper-paramètres : choisis par vous, avant l’entraînement',
    'kinds.weights': 'poids W[{l}]',
    'kinds.biases': 'biais b[{l}]',
    'kinds.values': '{rows} × {cols} = {count} valeurs',
    'kinds.total': 'en tout, {count} paramètres',
    'kinds.layers': 'couches cachées',
    'kinds.units': 'neurones par couche cachée',
    'kinds.activation': 'activation',
    'kinds.init': 'initialisation',
    'kinds.learningRate': 'taux d’apprentissage',
    'kinds.optimizer': 'optimiseur',
    'kinds.batchSize': 'taille de lot',
    'kinds.epochs': 'époques',
    'kinds.epochsValue': 'autant que vous en entraînez',
  },
};

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountParamKinds(container, ctx) {
  const t = translator(ctx);
  const box = h('div', { class: 'ls-kinds', 'data-testid': 'param-kinds' });
  container.append(box);

  /**
   * @param {string} kind
   * @param {string} name
   * @param {string} label
   * @param {string} value
   */
  const row = (kind, name, label, value) => h('li', { 'data-testid': 'param-row', 'data-kind': kind, 'data-name': name }, [
    h('span', { class: 'ls-kind-name', text: label }), ' ', h('span', { class: 'ls-label', text: value }),
  ]);

  /** @param {any} state */
  function render(state) {
    const config = state?.config;
    if (!config) return;
    const { sizes } = architecture(config, state.data, state.hello?.catalog);
    const params = [];
    let total = 0;
    for (let l = 1; l < sizes.length; l++) {
      const [rows, cols] = [sizes[l], sizes[l - 1]];
      total += rows * cols + rows;
      params.push(row('parameter', `W${l}`, t('kinds.weights', { l }), t('kinds.values', { rows, cols, count: rows * cols })));
      params.push(row('parameter', `b${l}`, t('kinds.biases', { l }), t('kinds.values', { rows, cols: 1, count: rows })));
    }
    const hidden = Array.isArray(config.hidden) ? config.hidden : [];
    const opt = config.optimizer ?? {};
    /** A name in the page's words (the controls' and the network's), else as the config has it. */
    const named = (/** @type {string} */ prefix, /** @type {unknown} */ value) => {
      const key = `${prefix}.${value}`;
      const text = t(key);
      return text === key ? String(value ?? '') : text;
    };
    const hyper = [
      row('hyperparameter', 'layers', t('kinds.layers'), String(hidden.length)),
      row('hyperparameter', 'units', t('kinds.units'), hidden.map((/** @type {any} */ x) => x.units).join(', ') || '–'),
      row('hyperparameter', 'activation', t('kinds.activation'), [...new Set(hidden.map((/** @type {any} */ x) => named('act', x.activation)))].join(', ') || '–'),
      row('hyperparameter', 'init', t('kinds.init'), named('init', config.init)),
      row('hyperparameter', 'learning_rate', t('kinds.learningRate'), fmt(Number(opt.learning_rate), 3, ctx.i18n?.lang)),
      row('hyperparameter', 'optimizer', t('kinds.optimizer'), named('optimizer', opt.name)),
      row('hyperparameter', 'batch_size', t('kinds.batchSize'), fmt(Number(opt.batch_size), 3, ctx.i18n?.lang)),
      row('hyperparameter', 'epochs', t('kinds.epochs'), t('kinds.epochsValue')),
    ];
    box.replaceChildren(
      h('h4', { class: 'ls-kind-head', text: t('kinds.parameters') }),
      h('ul', { class: 'ls-kind-list' }, params),
      h('p', { class: 'ls-hint', 'data-testid': 'param-total', 'data-value': String(total), text: t('kinds.total', { count: total }) }),
      h('h4', { class: 'ls-kind-head', text: t('kinds.hyperparameters') }),
      h('ul', { class: 'ls-kind-list' }, hyper),
    );
  }

  render(ctx.store?.state);
  return {
    /** @param {any} state @param {Set<string>} changed */
    update(state, changed) {
      if (changed.has('config') || changed.has('lang') || changed.has('data')) render(state);
    },
  };
}
