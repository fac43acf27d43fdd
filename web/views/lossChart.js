// @ts-check
/**
 * The loss chart: train, validation and test loss per epoch from `state.history` (linear or log
 * scale), accuracy below it for classification, a marker at the best validation epoch, and
 * the early-stopping rule (config.stopping.patience) with a marker where it stopped training.
 * Redraws only when the history changes; long histories are reduced to a min/max per pixel.
 */
import { argmin, createColumns } from '../data/series.js';
import { h } from '../dom.js';
import { applyLabels, formatPercent } from '../i18n.js';
import { followPointer } from './lossChart/hover.js';
import { drawChart, fmt, SERIES } from './lossChart/plot.js';

/** Early stopping: epochs without a better validation loss before training stops (0: never). */
const PATIENCES = [0, 10, 20, 50, 100, 200];

/** Shortest time between two redraws of the curves (a 10 Hz chart reads as live). */
const MIN_INTERVAL_MS = 100;

export const STRINGS = {
  en: {
    'loss.title': 'Loss',
    'loss.log': 'log scale',
    'loss.train': 'train',
    'loss.validation': 'validation',
    'loss.test': 'test',
    'loss.accuracy': 'accuracy',
    'loss.epoch': 'epoch',
    'loss.best': 'best validation: epoch {epoch}',
    'loss.bestShort': 'best',
    'loss.empty': 'Press play: the curves appear here.',
    'loss.noValidation': 'Set a validation share in the data panel to watch for overfitting.',
    'loss.aria': 'Loss per epoch for the training, validation and test sets',
    'loss.stopping': 'Stop after',
    'loss.stoppingOff': 'never',
    'loss.stoppingN': '{n} epochs without progress',
    'loss.stopped': 'stopped at epoch {epoch}: no better validation loss since epoch {best}',
    'loss.stoppedShort': 'stop',
  },
  fr: {
    'loss.title': 'Coût',
    'loss.log': 'échelle log',
    'loss.train': 'entraînement',
    'loss.validation': 'validation',
    'loss.test': 'test',
    'loss.accuracy': 'précision',
    'loss.epoch': 'époque',
    'loss.best': 'meilleur coût de validation : époque {epoch}',
    'loss.bestShort': 'meilleure',
    'loss.empty': 'Lancez l’entraînement : les courbes apparaissent ici.',
    'loss.noValidation': 'Choisissez une part de validation dans le panneau Données pour surveiller le sur-apprentissage.',
    'loss.aria': 'Coût par époque sur les ensembles d’entraînement, de validation et de test',
    'loss.stopping': 'Arrêt après',
    'loss.stoppingOff': 'jamais',
    'loss.stoppingN': '{n} époques sans progrès',
    'loss.stopped': 'arrêt à l’époque {epoch} : pas de meilleur coût de validation depuis l’époque {best}',
    'loss.stoppedShort': 'arrêt',
  },
};

/**
 * @typedef {{epoch: number, [key: string]: number | null | undefined}} HistoryRow
 */

/**
 * A series' key in the legend: its line as drawn, its name, its latest loss and accuracy.
 * @param {typeof SERIES[0]} s
 */
function legendKey(s) {
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  for (const [k, v] of Object.entries({ x1: 1, y1: 5, x2: 27, y2: 5, stroke: s.color, 'stroke-width': 3, 'stroke-dasharray': s.dash.join(' ') })) {
    line.setAttribute(k, String(v));
  }
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  for (const [k, v] of Object.entries({ width: '28', height: '10', 'aria-hidden': 'true' })) svg.setAttribute(k, v);
  svg.append(line);
  const loss = h('b', { class: 'pp-num', 'data-testid': s.part === 'validation' ? 'loss-validation' : null, 'data-value': s.part, text: '—' });
  const acc = h('span', { class: 'pp-acc', 'data-acc': s.part, hidden: true });
  const el = h('span', { class: 'pp-key', 'data-part': s.part, style: `--key:${s.color}` }, [
    svg, h('span', { 'data-label': `loss.${s.part}` }), loss, acc,
  ]);
  return { el, loss, acc };
}

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountLossChart(container, ctx) {
  ctx.i18n.register(STRINGS);
  const t = ctx.t;
  container.classList.add('pp-panel', 'pp-loss');
  const logBox = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', 'data-testid': 'loss-log' }));
  const stopping = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'stopping' }));
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'pp-loss-canvas', 'data-testid': 'loss-chart', role: 'img' }));
  const cursor = h('div', { class: 'pp-loss-cursor', hidden: true });
  const tip = h('div', { class: 'pp-loss-tip', 'data-testid': 'loss-tooltip', hidden: true });
  const note = h('p', { class: 'pp-hint pp-loss-note', 'aria-live': 'polite' });
  const legend = SERIES.map(legendKey);
  container.replaceChildren(
    h('div', { class: 'pp-loss-head' }, [
      h('h2', { class: 'pp-title', 'data-label': 'loss.title' }),
      h('label', { class: 'pp-check' }, [logBox, h('span', { 'data-label': 'loss.log' })]),
      h('label', { class: 'pp-check' }, [h('span', { 'data-label': 'loss.stopping' }), ' ', stopping]),
    ]),
    h('div', { class: 'pp-legend' }, legend.map((key) => key.el)),
    h('div', { class: 'pp-loss-plot' }, [canvas, cursor, tip]),
    note,
  );
  /** Each series' latest loss and accuracy in the legend, in SERIES order. */
  const keys = legend;
  /** Plot geometry of the last draw, for the hover readout. */
  let geom = { left: 0, width: 0, top: 0, height: 0, e0: 0, e1: 1 };

  /** @type {HistoryRow[]} */ let history = [];
  const columns = createColumns(SERIES.flatMap((s) => [`${s.part}_loss`, `${s.part}_accuracy`]));
  /** @type {number | null} */ let headerBest = null;
  /** The epoch where early stopping paused training (until the history restarts). */
  /** @type {number | null} */ let stoppedAt = null;
  stopping.addEventListener('change', () => ctx.configure({ stopping: { patience: Number(stopping.value) } }));
  function fillStopping(/** @type {number} */ current) {
    const options = PATIENCES.includes(current) ? PATIENCES : [...PATIENCES, current].sort((a, b) => a - b);
    stopping.replaceChildren(...options.map((n) => {
      const o = document.createElement('option');
      o.value = String(n);
      o.textContent = n === 0 ? t('loss.stoppingOff') : t('loss.stoppingN', { n });
      return o;
    }));
    stopping.value = String(current);
  }
  fillStopping(0);
  let classification = true;
  let drawn = 0;

  function relabel() {
    applyLabels(container, t);
    canvas.setAttribute('aria-label', t('loss.aria'));
    for (const key of keys) key.acc.title = t('loss.accuracy');
  }

  function best() {
    if (headerBest !== null) return headerBest;
    const i = argmin(columns.column('validation_loss'), columns.n);
    return i < 0 ? null : columns.epoch[i];
  }

  function renderLegend() {
    const last = history[history.length - 1];
    SERIES.forEach((s, i) => {
      const v = last?.[`${s.part}_loss`];
      const a = last?.[`${s.part}_accuracy`];
      const { loss, acc } = keys[i];
      loss.textContent = typeof v === 'number' ? fmt(v) : '—';
      acc.hidden = !(classification && typeof a === 'number');
      acc.textContent = typeof a === 'number' ? formatPercent(a, 1) : '';
    });
    const hasValidation = typeof last?.validation_loss === 'number';
    const b = best();
    if (history.length === 0) note.textContent = t('loss.empty');
    else if (!hasValidation) note.textContent = t('loss.noValidation');
    else if (stoppedAt !== null && b !== null) note.textContent = t('loss.stopped', { epoch: stoppedAt, best: b });
    else note.textContent = b === null ? '' : t('loss.best', { epoch: b });
    note.setAttribute('data-stopped', stoppedAt === null ? '' : String(stoppedAt));
  }

  function draw() {
    drawn = columns.n;
    lastDraw = performance.now();
    canvas.dataset.points = String(drawn);
    geom = drawChart(canvas, { columns, classification, log: logBox.checked, best: best(), stoppedAt, t }) ?? geom;
  }

  /** While training, the curves redraw at most every MIN_INTERVAL_MS; the numbers every frame. */
  let lastDraw = -Infinity;
  let timer = 0;
  function drawThrottled() {
    const wait = lastDraw + MIN_INTERVAL_MS - performance.now();
    if (wait <= 0 || history.length === 0) {
      draw();
      return;
    }
    if (!timer) {
      timer = window.setTimeout(() => {
        timer = 0;
        draw();
      }, wait);
    }
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  logBox.addEventListener('change', schedule);

  followPointer(canvas, { cursor, tip, t, read: () => ({ history, geom, classification }) });
  new ResizeObserver(schedule).observe(canvas);
  relabel();
  renderLegend();

  return {
    update(state, changed) {
      if (changed.has('data') && state.data) {
        const was = classification;
        classification = state.data.task !== 'regression';
        if (was !== classification) { renderLegend(); draw(); }
      }
      if (changed.has('frame')) {
        const b = state.frame?.header?.best_validation_epoch;
        headerBest = typeof b === 'number' ? b : null;
      }
      if (changed.has('status')) {
        const stopped = state.status?.stopped_epoch;
        const next = typeof stopped === 'number' ? stopped : state.status?.state === 'playing' ? null : stoppedAt;
        if (next !== stoppedAt) {
          stoppedAt = next;
          renderLegend();
          draw();
        }
      }
      if ((changed.has('config') || changed.has('lang')) && state.config) {
        fillStopping(Number(state.config.stopping?.patience ?? 0));
      }
      if (changed.has('history')) {
        history = Array.isArray(state.history) ? state.history : [];
        const last = history[history.length - 1];
        if (stoppedAt !== null && (!last || last.epoch < stoppedAt)) stoppedAt = null;
        columns.sync(history);
        renderLegend();
        drawThrottled();
      }
      if (changed.has('lang')) {
        relabel();
        renderLegend();
        draw();
      }
    },
  };
}
