// @ts-check
/**
 * The loop-versus-vectorized card's instrument: the server times the course's
 * forwardPassIterative (one example at a time) and the vectorized pass (all of them at once)
 * on the current network and training points (`time_forward`, engine/timing.py), and this
 * shows the two times, their ratio and the largest difference between their outputs.
 */
import { fmt, h, translator } from './util.js';

export const STRINGS = {
  en: {
    'timing.run': 'Time both passes',
    'timing.loop': 'Loop over the {m} examples: {ms} ms',
    'timing.vectorized': 'Vectorized, all {m} at once: {ms} ms',
    'timing.ratio': 'The vectorized pass is {ratio} times as fast.',
    'timing.same': 'Same outputs: the largest difference between the two Ŷ is {difference}.',
    'timing.note': 'Measured now, on this server: the times vary from run to run and machine to machine, the ratio stays large.',
  },
  fr: {
    'timing.run': 'Chronométrer les deux passes',
    'timing.loop': 'Boucle sur les {m} exemples : {ms} ms',
    'timing.vectorized': 'Vectorisée, les {m} d’un coup : {ms} ms',
    'timing.ratio': 'La passe vectorisée est {ratio} fois plus rapide.',
    'timing.same': 'Mêmes sorties : le plus grand écart entre les deux Ŷ vaut {difference}.',
    'timing.note': 'Mesuré à l’instant, sur ce serveur : les temps varient d’une mesure et d’une machine à l’autre, le rapport reste grand.',
  },
};

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountForwardTiming(container, ctx) {
  const t = translator(ctx);
  const lang = () => ctx.i18n?.lang;
  const run = h('button', { class: 'ls-btn ls-primary', type: 'button', 'data-testid': 'forward-time' });
  const loop = h('p', { 'data-testid': 'forward-loop' });
  const vectorized = h('p', { 'data-testid': 'forward-vectorized' });
  const ratio = h('p', { 'data-testid': 'forward-ratio' });
  const same = h('p', { 'data-testid': 'forward-difference' });
  const note = h('p', { class: 'ls-hint' });
  const results = h('div', { class: 'ls-timing', 'data-testid': 'forward-timing', hidden: true }, [loop, vectorized, ratio, same, note]);
  container.append(run, results);
  /** @type {any} */ let last = null;

  function render() {
    run.textContent = t('timing.run');
    if (!last) return;
    results.hidden = false;
    const m = last.examples;
    loop.textContent = t('timing.loop', { m, ms: fmt(last.loop_ms, 3, lang()) });
    vectorized.textContent = t('timing.vectorized', { m, ms: fmt(last.vectorized_ms, 3, lang()) });
    const times = last.loop_ms / Math.max(last.vectorized_ms, 1e-9);
    ratio.setAttribute('data-value', String(times));
    ratio.textContent = t('timing.ratio', { ratio: fmt(times, 2, lang()) });
    same.setAttribute('data-value', String(last.max_difference));
    same.textContent = t('timing.same', { difference: fmt(last.max_difference, 2, lang()) });
    note.textContent = t('timing.note');
  }

  run.addEventListener('click', () => {
    run.setAttribute('disabled', '');
    ctx.request({ type: 'time_forward' }).then((/** @type {any} */ reply) => {
      last = reply;
      render();
    }, () => {}).finally(() => run.removeAttribute('disabled'));
  });
  render();
  return {
    /** @param {any} _state @param {Set<string>} changed */
    update(_state, changed) {
      if (changed.has('lang')) render();
    },
  };
}
