// @ts-check
/**
 * The class summary above the students: a histogram of one metric (validation accuracy, or the
 * challenge's metric, or the validation loss where no student has an accuracy), how many
 * students train, pause or diverged, how many get each piece of the coach's advice, and the
 * median epoch. Drawn from the cards of the latest `room_gallery` (about once a second), so it
 * costs the server nothing. A bar or a count is a toggle button: pressed, it filters the
 * teacher's views to those students (`pick`).
 */
import { formatNumber, formatPercent } from '../i18n.js';
import { h } from '../dom.js';

export const STATES = ['playing', 'paused', 'diverged'];
/** The coach's advice codes, in its own order of priority (engine/coach.py, CODES). */
export const ADVICE = ['symmetry', 'lr_too_high', 'no_nonlinearity', 'output_mismatch', 'loss_mismatch',
  'vanishing_gradient', 'underfitting', 'overfitting', 'dead_relu'];
/** A loss's bins: [0, 0.01), [0.01, 0.03), … [3, ∞). */
const LOSS_EDGES = [0, 0.01, 0.03, 0.1, 0.3, 1, 3];
const ACCURACY_BINS = 10;

/**
 * The metric of the histogram: the challenge's, else validation accuracy where a student has
 * one (classification), else the validation loss (regression).
 * @param {any[]} cards
 * @param {any} challenge  the running challenge, or null
 */
export function summaryMetric(cards, challenge) {
  if (challenge?.metric) return String(challenge.metric);
  return cards.some((c) => typeof c.val_accuracy === 'number') ? 'val_accuracy' : 'val_loss';
}

/** A loss's bin edge: "0.03", "3" (in the page's language). */
const edge = (/** @type {number} */ x) => formatNumber(x, { maximumSignificantDigits: 2 });

/** @param {string} metric */
const isLoss = (metric) => metric.endsWith('_loss');

/** @param {string} metric */
export function binCount(metric) {
  return isLoss(metric) ? LOSS_EDGES.length : ACCURACY_BINS;
}

/**
 * The bin of a card's metric, or null without a finite value.
 * @param {any} card
 * @param {string} metric
 */
export function binOf(card, metric) {
  const v = card[metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  if (isLoss(metric)) {
    let bin = 0;
    while (bin + 1 < LOSS_EDGES.length && v >= LOSS_EDGES[bin + 1]) bin += 1;
    return bin;
  }
  return Math.min(ACCURACY_BINS - 1, Math.max(0, Math.floor(v * ACCURACY_BINS + 1e-9)));
}

/**
 * The text of a bin's range: "90–100 %", "0.01–0.03", "≥ 3".
 * @param {number} bin
 * @param {string} metric
 */
export function binRange(bin, metric) {
  if (isLoss(metric)) {
    const lo = LOSS_EDGES[bin];
    const hi = LOSS_EDGES[bin + 1];
    return hi === undefined ? `≥ ${edge(lo)}` : `${edge(lo)}–${edge(hi)}`;
  }
  const pct = (/** @type {number} */ x) => formatPercent(x, 0).replace(/\s*%$/u, '');
  return `${pct(bin / ACCURACY_BINS)}–${formatPercent((bin + 1) / ACCURACY_BINS, 0)}`;
}

/**
 * The numbers of the summary.
 * @param {any[]} cards
 * @param {string} metric
 */
export function summarize(cards, metric) {
  const bins = new Array(binCount(metric)).fill(0);
  /** @type {Record<string, number>} */ const states = Object.fromEntries(STATES.map((s) => [s, 0]));
  /** @type {Record<string, number>} */ const advice = {};
  for (const card of cards) {
    const bin = binOf(card, metric);
    if (bin !== null) bins[bin] += 1;
    const state = String(card.status ?? 'paused');
    states[state] = (states[state] ?? 0) + 1;
    for (const code of new Set(card.advice ?? [])) advice[String(code)] = (advice[String(code)] ?? 0) + 1;
  }
  const epochs = cards.map((c) => Number(c.epoch ?? 0)).sort((a, b) => a - b);
  const mid = epochs.length >> 1;
  const median = epochs.length === 0 ? null
    : epochs.length % 2 ? epochs[mid] : Math.round((epochs[mid - 1] + epochs[mid]) / 2);
  return { bins, states, advice, median, total: cards.length };
}

/**
 * What a pressed bar or count keeps, as a test of a card.
 * @param {{kind: string, code: string}} pick  kind "bin" (code: the bin's index), "state" or "advice"
 * @param {string} metric
 * @returns {(card: any) => boolean}
 */
export function pickTest(pick, metric) {
  if (pick.kind === 'bin') return (card) => binOf(card, metric) === Number(pick.code);
  if (pick.kind === 'state') return (card) => String(card.status ?? 'paused') === pick.code;
  return (card) => (card.advice ?? []).includes(pick.code);
}

/**
 * @param {HTMLElement} container  the summary's section
 * @param {{
 *   t: (key: string, params?: Record<string, unknown>) => string,
 *   onPick: (pick: {kind: string, code: string} | null) => void,
 * }} deps
 */
export function mountSummary(container, deps) {
  const { t } = deps;
  const title = h('h3', { class: 'summary-title' });
  const bars = h('div', { class: 'summary-bars' });
  const axis = h('div', { class: 'summary-axis', 'aria-hidden': 'true' });
  const histogram = h('div', { class: 'summary-hist', role: 'group' }, [title, bars, axis]);
  const stateTitle = h('h3', { class: 'summary-title' });
  const stateList = h('div', { class: 'summary-counts' });
  const adviceTitle = h('h3', { class: 'summary-title' });
  const adviceList = h('div', { class: 'summary-counts' });
  const medianTitle = h('h3', { class: 'summary-title' });
  const medianValue = h('p', { class: 'summary-median', 'data-testid': 'summary-median' });
  container.replaceChildren(
    histogram,
    h('div', { class: 'summary-block summary-states' }, [stateTitle, stateList]),
    h('div', { class: 'summary-block summary-advice' }, [adviceTitle, adviceList]),
    h('div', { class: 'summary-block summary-epoch' }, [medianTitle, medianValue]),
  );
  /** @type {any[]} */ let cards = [];
  let metric = 'val_accuracy';
  /** @type {{kind: string, code: string} | null} */ let pick = null;

  /**
   * A toggle button: pressed when it is the pick.
   * @param {string} testid
   * @param {{kind: string, code: string}} what
   * @param {string} label  its accessible name
   * @param {number} n
   * @param {Node[]} children
   */
  function toggle(testid, what, label, n, children) {
    const pressed = pick !== null && pick.kind === what.kind && pick.code === what.code;
    const button = h('button', {
      type: 'button', 'data-testid': testid, 'data-count': n, 'aria-pressed': String(pressed),
      'aria-label': label, title: label, disabled: n === 0 && !pressed,
    }, children);
    button.addEventListener('click', () => deps.onPick(pressed ? null : what));
    return button;
  }

  function render() {
    container.hidden = cards.length === 0;
    const s = summarize(cards, metric);
    const top = Math.max(1, ...s.bins);
    title.textContent = t(`teach.summary.metric.${metric}`);
    histogram.setAttribute('aria-label', t(`teach.summary.metric.${metric}`));
    const students = (/** @type {number} */ n) => (n === 1 ? t('teach.room.student') : t('teach.room.students', { n }));
    bars.replaceChildren(...s.bins.map((n, bin) => {
      const range = binRange(bin, metric);
      const fill = h('span', { class: 'bar-fill' });
      fill.style.height = `${(100 * n) / top}%`;
      const button = toggle(`summary-bar-${bin}`, { kind: 'bin', code: String(bin) },
        t('teach.summary.bar', { range, students: students(n) }), n,
        [h('span', { class: 'bar-n', text: n ? String(n) : '' }), h('span', { class: 'bar-track' }, [fill])]);
      button.className = 'summary-bar';
      return button;
    }));
    const last = s.bins.length - 1;
    axis.replaceChildren(h('span', { text: isLoss(metric) ? edge(0) : formatPercent(0, 0) }),
      h('span', { text: isLoss(metric) ? binRange(last, metric) : formatPercent(1, 0) }));
    stateTitle.textContent = t('teach.summary.states');
    stateList.replaceChildren(...STATES.map((code) => {
      const n = s.states[code] ?? 0;
      const text = t(`teach.status.${code}`);
      const button = toggle(`summary-count-${code}`, { kind: 'state', code },
        t('teach.summary.count', { what: text, students: students(n) }), n,
        [h('span', { class: 'state-mark', 'data-status': code, 'aria-hidden': 'true' }), h('span', { text }), h('b', { text: String(n) })]);
      button.className = 'summary-count';
      button.dataset.status = code;
      return button;
    }));
    adviceTitle.textContent = t('teach.summary.advice');
    const present = ADVICE.filter((code) => s.advice[code]).concat(Object.keys(s.advice).filter((c) => !ADVICE.includes(c)));
    if (pick?.kind === 'advice' && !present.includes(pick.code)) present.push(pick.code);
    adviceList.replaceChildren(...(present.length ? present.map((code) => {
      const n = s.advice[code] ?? 0;
      const key = `coach.short.${code}`;
      const text = t(key) === key ? code : t(key);
      const button = toggle(`summary-count-${code}`, { kind: 'advice', code },
        t('teach.summary.count', { what: text, students: students(n) }), n,
        [h('span', { text }), h('b', { text: String(n) })]);
      button.className = 'summary-count summary-count-advice';
      return button;
    }) : [h('span', { class: 'summary-none', text: t('teach.summary.noAdvice') })]));
    medianTitle.textContent = t('teach.summary.medianEpoch');
    medianValue.textContent = s.median === null ? '–' : String(s.median);
  }

  return {
    /**
     * The projected students' cards (hidden ones only when shown) and the histogram's metric.
     * @param {any[]} next
     * @param {string} nextMetric
     */
    update(next, nextMetric) {
      cards = next;
      metric = nextMetric;
      render();
    },
    /** @param {{kind: string, code: string} | null} next */
    setPick(next) {
      pick = next;
      render();
    },
    get metric() {
      return metric;
    },
    relabel: render,
  };
}
