// @ts-check
/**
 * The loss chart: train, validation and test loss per epoch from `state.history` (linear or log
 * scale), accuracy below it for classification, a marker at the best validation epoch, and
 * the early-stopping rule (config.stopping.patience) with a marker where it stopped training.
 * Redraws only when the history changes; long histories are reduced to a min/max per pixel.
 */
import { fitCanvas } from '../dom.js';
import { argmin, createColumns, downsample } from '../data/series.js';
import { applyLabels, formatExponential, formatNumber, formatPercent } from '../i18n.js';

/** Series: key in history, color (Okabe–Ito) and dash, so they differ without color too. */
const SERIES = [
  { part: 'train', color: '#0072b2', dash: [] },
  { part: 'validation', color: '#d55e00', dash: [7, 4] },
  { part: 'test', color: '#009e73', dash: [2, 3] },
];

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
 * About `count` round tick values covering [lo, hi].
 * @param {number} lo @param {number} hi @param {number} count
 */
function niceTicks(lo, hi, count) {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/**
 * Tick values for a log axis spanning 10^lo .. 10^hi: 1, 2, 5 per decade, or only powers of ten
 * when that would crowd the axis.
 * @param {number} lo @param {number} hi
 */
function logTicks(lo, hi) {
  const all = [];
  for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      const e = Math.log10(v);
      if (e >= lo - 1e-9 && e <= hi + 1e-9) all.push(v);
    }
  }
  const decades = all.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return all.length > 6 && decades.length >= 2 ? decades : all;
}

/** @param {number} v */
function tickLabel(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return formatExponential(v, 0);
  return formatNumber(Number(v.toPrecision(3)), { maximumSignificantDigits: 3 });
}

/** @param {number} v */
function fmt(v) {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 1e-3) return formatExponential(v, 2);
  return formatNumber(Number(v.toPrecision(3)), { maximumSignificantDigits: 3 });
}

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountLossChart(container, ctx) {
  ctx.i18n.register(STRINGS);
  const t = ctx.t;
  container.classList.add('pp-panel', 'pp-loss');
  container.innerHTML = `
    <div class="pp-loss-head">
      <h2 class="pp-title" data-label="loss.title"></h2>
      <label class="pp-check"><input type="checkbox" data-testid="loss-log"><span data-label="loss.log"></span></label>
      <label class="pp-check"><span data-label="loss.stopping"></span> <select data-testid="stopping"></select></label>
    </div>
    <div class="pp-legend">
      ${SERIES.map((s) => `
        <span class="pp-key" data-part="${s.part}" style="--key:${s.color}">
          <svg width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="${s.color}"
            stroke-width="3" stroke-dasharray="${s.dash.join(' ')}"/></svg>
          <span data-label="loss.${s.part}"></span>
          <b class="pp-num" ${s.part === 'validation' ? 'data-testid="loss-validation"' : ''} data-value="${s.part}">—</b>
          <span class="pp-acc" data-acc="${s.part}" hidden></span>
        </span>`).join('')}
    </div>
    <div class="pp-loss-plot">
      <canvas class="pp-loss-canvas" data-testid="loss-chart" role="img"></canvas>
      <div class="pp-loss-cursor" hidden></div>
      <div class="pp-loss-tip" data-testid="loss-tooltip" hidden></div>
    </div>
    <p class="pp-hint pp-loss-note" aria-live="polite"></p>`;
  const canvas = /** @type {HTMLCanvasElement} */ (container.querySelector('canvas'));
  const logBox = /** @type {HTMLInputElement} */ (container.querySelector('[data-testid="loss-log"]'));
  const note = /** @type {HTMLElement} */ (container.querySelector('.pp-loss-note'));
  const cursor = /** @type {HTMLElement} */ (container.querySelector('.pp-loss-cursor'));
  const tip = /** @type {HTMLElement} */ (container.querySelector('.pp-loss-tip'));
  /** Each series' latest loss and accuracy in the legend, in SERIES order. */
  const keys = SERIES.map((s) => ({
    loss: /** @type {HTMLElement} */ (container.querySelector(`[data-value="${s.part}"]`)),
    acc: /** @type {HTMLElement} */ (container.querySelector(`[data-acc="${s.part}"]`)),
  }));
  /** Plot geometry of the last draw, for the hover readout. */
  let geom = { left: 0, width: 0, top: 0, height: 0, e0: 0, e1: 1 };

  /** @type {HistoryRow[]} */ let history = [];
  const columns = createColumns(SERIES.flatMap((s) => [`${s.part}_loss`, `${s.part}_accuracy`]));
  /** @type {number | null} */ let headerBest = null;
  /** The epoch where early stopping paused training (until the history restarts). */
  /** @type {number | null} */ let stoppedAt = null;
  const stopping = /** @type {HTMLSelectElement} */ (container.querySelector('[data-testid="stopping"]'));
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
    const { w, h, dpr } = fitCanvas(canvas);
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const font = parseFloat(getComputedStyle(canvas).fontSize) || 12;
    g.font = `${font}px system-ui, sans-serif`;
    const left = font * 3.4;
    const right = 10;
    const top = 8;
    const bottom = font * 3;
    const accH = classification ? Math.min(h * 0.3, 90) : 0;
    const gap = classification ? font * 1.6 : 0;
    const plotW = Math.max(10, w - left - right);
    const lossH = Math.max(10, h - top - bottom - accH - gap);
    const n = columns.n;
    const xs = columns.epoch;
    drawn = n;
    lastDraw = performance.now();
    canvas.dataset.points = String(drawn);
    if (n === 0) return;
    const e0 = xs[0];
    const e1 = Math.max(xs[n - 1], e0 + 1);
    const X = (/** @type {number} */ e) => left + ((e - e0) / (e1 - e0)) * plotW;
    geom = { left, width: plotW, top, height: h - top - bottom, e0, e1 };
    const log = logBox.checked;
    // One bucket per two pixels: each keeps its min and max, so a line never loses a spike.
    const buckets = Math.max(10, Math.floor(plotW / 2));
    const lines = SERIES.map((s) => downsample(xs, columns.column(`${s.part}_loss`), n, buckets));
    let lo = Infinity;
    let hi = -Infinity;
    for (const line of lines) {
      for (let i = 1; i < line.length; i += 2) {
        if (line[i] !== line[i]) continue;
        const v = log ? Math.log10(Math.max(line[i], 1e-8)) : line[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (!Number.isFinite(lo)) return;
    if (!log) lo = Math.min(0, lo);
    if (hi - lo < 1e-9) { hi += log ? 0.5 : Math.abs(hi) * 0.1 + 0.05; lo -= log ? 0.5 : 0; }
    const Y = (/** @type {number} */ v) => top + (1 - ((log ? Math.log10(Math.max(v, 1e-8)) : v) - lo) / (hi - lo)) * lossH;

    // Grid and axes.
    g.strokeStyle = '#e3e3e3';
    g.fillStyle = '#555';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    // As many labels as fit without touching: one per two lines of text, at most four.
    const room = Math.max(1, Math.min(4, Math.floor(lossH / (font * 2))));
    let yTicks = log ? logTicks(lo, hi) : niceTicks(lo, hi, room);
    if (yTicks.length > room + 1) yTicks = yTicks.filter((_, i) => i % Math.ceil(yTicks.length / (room + 1)) === 0);
    for (const v of yTicks) {
      const y = Y(v);
      g.beginPath(); g.moveTo(left, y); g.lineTo(left + plotW, y); g.stroke();
      g.fillText(tickLabel(v), left - 4, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const xBase = top + lossH + accH + gap;
    for (const e of niceTicks(e0, e1, Math.max(2, Math.floor(plotW / (font * 6))))) {
      if (!Number.isInteger(e)) continue;
      g.fillText(String(e), X(e), xBase + 4);
    }
    g.textAlign = 'right';
    g.fillText(t('loss.epoch'), left + plotW, xBase + font + 6);
    g.strokeStyle = '#999';
    g.beginPath(); g.moveTo(left, top); g.lineTo(left, xBase); g.lineTo(left + plotW, xBase); g.stroke();

    // Best validation epoch.
    const b = best();
    if (b !== null && b >= e0 && b <= e1) {
      g.save();
      g.strokeStyle = SERIES[1].color;
      g.setLineDash([3, 3]);
      g.beginPath(); g.moveTo(X(b), top); g.lineTo(X(b), xBase); g.stroke();
      g.restore();
      const at = xs.subarray(0, n).indexOf(b);
      const v = at < 0 ? NaN : columns.column('validation_loss')[at];
      if (Number.isFinite(v)) {
        g.beginPath();
        g.arc(X(b), Y(v), 4, 0, 2 * Math.PI);
        g.fillStyle = '#fff';
        g.fill();
        g.lineWidth = 2;
        g.strokeStyle = SERIES[1].color;
        g.stroke();
      }
      g.fillStyle = SERIES[1].color;
      g.textAlign = X(b) > left + plotW - font * 5 ? 'right' : 'left';
      g.textBaseline = 'top';
      g.fillText(`${t('loss.bestShort')} (${b})`, X(b) + (g.textAlign === 'left' ? 4 : -4), top);
    }

    // Where early stopping paused training.
    if (stoppedAt !== null && stoppedAt >= e0 && stoppedAt <= e1) {
      g.save();
      g.strokeStyle = '#555';
      g.setLineDash([1, 3]);
      g.beginPath(); g.moveTo(X(stoppedAt), top); g.lineTo(X(stoppedAt), xBase); g.stroke();
      g.restore();
      g.fillStyle = '#555';
      g.textAlign = 'right';
      g.textBaseline = 'bottom';
      g.fillText(`${t('loss.stoppedShort')} (${stoppedAt})`, X(stoppedAt) - 4, xBase - 2);
    }

    /** @param {number[]} line flat [x, y, ...] @param {(v: number) => number} toY @param {typeof SERIES[0]} s */
    const stroke = (line, toY, s) => {
      g.save();
      g.strokeStyle = s.color;
      g.lineWidth = 2;
      g.setLineDash(s.dash);
      g.lineJoin = 'round';
      g.beginPath();
      let pen = false;
      for (let i = 0; i < line.length; i += 2) {
        if (line[i + 1] !== line[i + 1]) { pen = false; continue; }
        const x = X(line[i]);
        const y = toY(line[i + 1]);
        if (pen) g.lineTo(x, y); else g.moveTo(x, y);
        pen = true;
      }
      g.stroke();
      g.restore();
    };
    g.save();
    g.beginPath(); g.rect(left, top - 2, plotW, lossH + 4); g.clip();
    lines.forEach((line, i) => stroke(line, Y, SERIES[i]));
    g.restore();

    if (classification) {
      const aTop = top + lossH + gap;
      const AY = (/** @type {number} */ v) => aTop + (1 - v) * accH;
      g.strokeStyle = '#e3e3e3';
      g.fillStyle = '#555';
      g.textAlign = 'right';
      g.textBaseline = 'middle';
      for (const v of [0, 0.5, 1]) {
        g.beginPath(); g.moveTo(left, AY(v)); g.lineTo(left + plotW, AY(v)); g.stroke();
        g.fillText(formatPercent(v, 0), left - 4, AY(v));
      }
      g.textAlign = 'right';
      g.textBaseline = 'bottom';
      g.fillText(t('loss.accuracy'), left + plotW, aTop - 1);
      SERIES.forEach((s) => stroke(downsample(xs, columns.column(`${s.part}_accuracy`), n, buckets), AY, s));
    }
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

  /**
   * The history row nearest to an epoch (rows are sorted by epoch).
   * @param {number} epoch
   */
  function rowAt(epoch) {
    let lo = 0;
    let hi = history.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (history[mid].epoch < epoch) lo = mid + 1; else hi = mid;
    }
    if (lo > 0 && Math.abs(history[lo - 1].epoch - epoch) < Math.abs(history[lo].epoch - epoch)) lo -= 1;
    return history[lo];
  }

  function hideTip() {
    cursor.hidden = true;
    tip.hidden = true;
  }

  canvas.addEventListener('pointermove', (ev) => {
    if (history.length === 0 || geom.width <= 0) return hideTip();
    const rect = canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left;
    if (x < geom.left || x > geom.left + geom.width) return hideTip();
    const row = rowAt(geom.e0 + ((x - geom.left) / geom.width) * (geom.e1 - geom.e0));
    const px = geom.left + ((row.epoch - geom.e0) / (geom.e1 - geom.e0)) * geom.width;
    cursor.hidden = false;
    cursor.style.left = `${px}px`;
    cursor.style.top = `${geom.top}px`;
    cursor.style.height = `${geom.height}px`;
    const lines = [`<b>${t('loss.epoch')} ${row.epoch}</b>`];
    for (const s of SERIES) {
      const v = row[`${s.part}_loss`];
      if (typeof v !== 'number') continue;
      const a = row[`${s.part}_accuracy`];
      const acc = classification && typeof a === 'number' ? ` · ${formatPercent(a, 1)}` : '';
      lines.push(`<span style="color:${s.color}">■</span> ${t(`loss.${s.part}`)} ${fmt(v)}${acc}`);
    }
    tip.innerHTML = lines.join('<br>');
    tip.hidden = false;
    const right = px > rect.width / 2;
    tip.style.left = right ? '' : `${px + 8}px`;
    tip.style.right = right ? `${rect.width - px + 8}px` : '';
    tip.style.top = `${geom.top}px`;
  });
  canvas.addEventListener('pointerleave', hideTip);
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
