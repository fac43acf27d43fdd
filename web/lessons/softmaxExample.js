// @ts-check
/**
 * The course's softmax example, worked number by number beside the matrix inspector:
 * z = (5, 4, 2) → ŷ_j = e^{z_j} / Σ_c e^{z_c} = (0.705, 0.259, 0.035). The three z are
 * editable, so a class can see that adding the same number to all of them changes nothing and
 * that the largest z takes most of the probability.
 */
import { formatNumber } from '../i18n.js';
import { fmt, h, translator } from './util.js';

/** The course's example. */
export const COURSE_Z = [5, 4, 2];

export const STRINGS = {
  en: {
    'softmax.title': 'The course’s softmax example',
    'softmax.explain': 'ŷⱼ = e^zⱼ / Σₖ e^zₖ: each output is a probability and they add up to 1. Change the z: adding the same number to all three changes nothing.',
    'softmax.sum': 'sum',
    'softmax.reset': 'Back to (5, 4, 2)',
  },
  fr: {
    'softmax.title': 'L’exemple softmax du cours',
    'softmax.explain': 'ŷⱼ = e^zⱼ / Σₖ e^zₖ : chaque sortie est une probabilité et leur somme vaut 1. Changez les z : ajouter le même nombre aux trois ne change rien.',
    'softmax.sum': 'somme',
    'softmax.reset': 'Revenir à (5, 4, 2)',
  },
};

/**
 * softmax(z) computed as the course writes it (shifted by max z, which changes nothing but
 * keeps e^z finite): the exponentials, their sum and the probabilities.
 * @param {number[]} z
 */
export function softmax(z) {
  const top = Math.max(...z);
  const exps = z.map((v) => Math.exp(v - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return { exps: z.map((v) => Math.exp(v)), probabilities: exps.map((e) => e / sum) };
}

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountSoftmaxExample(container, ctx) {
  const t = translator(ctx);
  const title = h('summary', { class: 'ls-subtitle' });
  const explain = h('p', { class: 'ls-hint' });
  const reset = h('button', { class: 'ls-btn', type: 'button', 'data-testid': 'softmax-reset' });
  const table = h('table', { class: 'ls-softmax', 'data-testid': 'softmax-example' });
  const inputs = COURSE_Z.map((v, j) => /** @type {HTMLInputElement} */ (h('input', {
    type: 'number', step: '0.5', value: String(v), class: 'ls-num-input',
    'data-testid': `softmax-z-${j + 1}`, 'aria-label': `z${j + 1}`,
  })));
  const exps = COURSE_Z.map((_, j) => h('td', { class: 'ls-num', 'data-testid': `softmax-exp-${j + 1}` }));
  const probs = COURSE_Z.map((_, j) => h('td', { class: 'ls-num', 'data-testid': `softmax-y-${j + 1}` }));
  const sumExp = h('td', { class: 'ls-num' });
  const sumLabel = h('th', { scope: 'row' });
  table.append(
    h('tr', {}, [h('th', { text: 'j' }), h('th', { text: 'zⱼ' }), h('th', { text: 'e^zⱼ' }), h('th', { text: 'ŷⱼ' })]),
    ...COURSE_Z.map((_, j) => h('tr', {}, [h('th', { scope: 'row', text: String(j + 1) }), h('td', {}, [inputs[j]]), exps[j], probs[j]])),
    h('tr', {}, [sumLabel, h('td'), sumExp, h('td', { class: 'ls-num', text: '1' })]),
  );
  const box = /** @type {HTMLDetailsElement} */ (h('details', { class: 'ls-softmax-box' }, [title, explain, table, h('div', { class: 'ls-exp-actions' }, [reset])]));
  container.append(box);

  function compute() {
    const z = inputs.map((input) => Number(input.value));
    if (!z.every(Number.isFinite)) return;
    const { exps: e, probabilities } = softmax(z);
    e.forEach((v, j) => { exps[j].textContent = fmt(v, 4); });
    probabilities.forEach((p, j) => {
      probs[j].textContent = formatNumber(p, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
      probs[j].setAttribute('data-value', p.toFixed(3));
    });
    sumExp.textContent = fmt(e.reduce((a, b) => a + b, 0), 4);
  }

  function label() {
    title.textContent = t('softmax.title');
    explain.textContent = t('softmax.explain');
    sumLabel.textContent = t('softmax.sum');
    reset.textContent = t('softmax.reset');
  }

  for (const input of inputs) input.addEventListener('input', compute);
  reset.addEventListener('click', () => {
    inputs.forEach((input, j) => { input.value = String(COURSE_Z[j]); });
    compute();
  });
  label();
  compute();
  return {
    /** Opens the example (the softmax experiment does). */
    open() { box.open = true; },
    /** @param {any} _state @param {Set<string>} changed */
    update(_state, changed) {
      if (changed.has('lang')) {
        label();
        compute();
      }
    },
  };
}
