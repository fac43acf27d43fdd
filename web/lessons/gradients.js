// @ts-check
/**
 * Saturation and vanishing gradients: the share of saturated sigmoid/tanh neurons per layer, and
 * the gradient norm ||dW[l]|| of every layer over the epochs on a log scale. In a deep sigmoid
 * network the first layers' lines sit decades below the last one's: the gradient vanishes.
 */
import { formatPercent } from '../i18n.js';
import { diagnosticLayers, fmt, h, layerColor, prepareCanvas, redraws, throttle, translator } from './util.js';

export const STRINGS = {
  en: {
    'lessons.tab.gradients': 'Gradients',
    'grad.saturation': 'Saturated neurons per layer (g′(z) below a tenth of its peak: {thresholds})',
    'grad.threshold': '{symbol}′ < {slope}',
    'grad.norms': 'Gradient norm ‖dW[l]‖ per layer over the epochs (log scale)',
    'grad.layer': 'layer {l}',
    'grad.na': 'n/a',
    'grad.epoch': 'epoch',
    'grad.waiting': 'Press play or step: one point per frame.',
    'grad.explain': 'Backpropagation multiplies the gradient by g′(Z[l]) at every layer on its way back. The sigmoid’s derivative is at most 0.25, and almost 0 when a neuron saturates (its input far from 0), so in a deep sigmoid network the first layers get gradients many times smaller than the last: they barely learn. Tanh (derivative up to 1) suffers less, ReLU (derivative 1 when active) least.',
    'grad.ratio': 'Layer 1 gets {ratio}× the gradient of layer {L}.',
    'grad.aria': 'Gradient norm per layer over the epochs, logarithmic scale',
  },
  fr: {
    'lessons.tab.gradients': 'Gradients',
    'grad.saturation': 'Neurones saturés par couche (g′(z) sous le dixième de son maximum : {thresholds})',
    'grad.threshold': '{symbol}′ < {slope}',
    'grad.norms': 'Norme du gradient ‖dW[l]‖ par couche au fil des époques (échelle log)',
    'grad.layer': 'couche {l}',
    'grad.na': '—',
    'grad.epoch': 'époque',
    'grad.waiting': 'Lancez ou avancez l’entraînement : un point par trame.',
    'grad.explain': 'La passe en arrière multiplie le gradient par g′(Z[l]) à chaque couche en remontant. La dérivée de la sigmoïde vaut au plus 0,25, et presque 0 quand un neurone sature (entrée loin de 0) : dans un réseau sigmoïde profond, les premières couches reçoivent des gradients bien plus petits que la dernière et apprennent à peine. Tanh (dérivée jusqu’à 1) en souffre moins, ReLU (dérivée 1 quand active) encore moins.',
    'grad.ratio': 'La couche 1 reçoit {ratio}× le gradient de la couche {L}.',
    'grad.aria': 'Norme du gradient par couche au fil des époques, échelle logarithmique',
  },
};

/** Points kept per line; older ones are thinned to every other point. */
const MAX_POINTS = 600;

/**
 * The gradient-norm history: one row per frame epoch, restarted when the network is rebuilt
 * (the epoch goes back) or the layer count changes.
 */
export function createNormHistory() {
  /** @type {{epoch: number, norms: Record<number, number>}[]} */ let rows = [];
  let layers = '';
  return {
    get rows() { return rows; },
    /**
     * Records a frame header (one with diagnostics and an epoch).
     * @param {any} header
     */
    add(header) {
      const ls = diagnosticLayers(header);
      const key = ls.join(',');
      const epoch = Number(header?.epoch);
      if (!ls.length || !Number.isFinite(epoch)) return;
      const last = rows[rows.length - 1];
      if (key !== layers || (last && epoch < last.epoch)) { rows = []; layers = key; }
      /** @type {Record<number, number>} */ const norms = {};
      for (const l of ls) norms[l] = Number(header.diagnostics.layers[String(l)].grad_norm);
      const tail = rows[rows.length - 1];
      if (tail && tail.epoch === epoch) { rows[rows.length - 1] = { epoch, norms }; return; }
      rows.push({ epoch, norms });
      if (rows.length > MAX_POINTS) rows = rows.filter((_, i) => i % 2 === 0 || i === rows.length - 1);
    },
  };
}

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountGradients(container, ctx) {
  const t = translator(ctx);
  const satTitle = h('h3', { class: 'ls-subtitle' });
  const satBox = h('div', { class: 'ls-sat', 'data-testid': 'saturation' });
  const normTitle = h('h3', { class: 'ls-subtitle' });
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'ls-chart', 'data-testid': 'grad-norm-chart', role: 'img' }));
  const legend = h('div', { class: 'ls-legend' });
  const ratio = h('p', { class: 'ls-num', 'data-testid': 'grad-ratio' });
  const waiting = h('p', { class: 'ls-hint' });
  const explain = h('p', { class: 'ls-explain' });
  container.append(satTitle, satBox, normTitle, canvas, legend, ratio, waiting, explain);
  const history = createNormHistory();
  /** @type {any} */ let state = null;
  let satKey = '';
  let shownLegend = '';

  /**
   * The saturation title, with the threshold of each sigmoid/tanh activation of the network (of
   * every such activation when it has none), read from the catalog: the same numbers the
   * server's diagnostics use (a tenth of the peak slope: σ′ < 0.025, tanh′ < 0.1).
   */
  function saturationTitle() {
    const facts = state?.hello?.catalog?.activation_facts ?? {};
    const used = new Set((state?.config?.hidden ?? []).map((/** @type {any} */ layer) => layer.activation));
    const saturating = Object.values(facts).filter((f) => typeof f?.saturation_slope === 'number');
    const shown = saturating.some((f) => used.has(f.name)) ? saturating.filter((f) => used.has(f.name)) : saturating;
    const thresholds = shown.map((f) => t('grad.threshold', { symbol: f.symbol, slope: fmt(f.saturation_slope, 3) })).join(', ');
    return t('grad.saturation', { thresholds });
  }

  function labels() {
    satTitle.textContent = saturationTitle();
    normTitle.textContent = t('grad.norms');
    waiting.textContent = t('grad.waiting');
    explain.textContent = t('grad.explain');
    canvas.setAttribute('aria-label', t('grad.aria'));
    satKey = '';
  }

  function drawSaturation() {
    const header = state?.frame?.header;
    const layers = diagnosticLayers(header);
    const values = layers.map((l) => header.diagnostics.layers[String(l)].saturation);
    const key = `${state?.lang}|${values.map((v) => (v === null || v === undefined ? 'x' : v.toFixed(3))).join(',')}`;
    if (key === satKey) return;
    satKey = key;
    satBox.replaceChildren(...layers.map((l, i) => {
      const v = values[i];
      const known = typeof v === 'number' && Number.isFinite(v);
      const bar = h('div', { class: 'ls-bar' }, [h('div', { class: 'ls-bar-fill', style: `width:${known ? Math.round(v * 100) : 0}%` })]);
      return h('div', { class: 'ls-sat-row', 'data-layer': l, 'data-testid': `saturation-${l}`, 'data-value': known ? v.toFixed(4) : '' }, [
        h('span', { class: 'ls-label', text: t('grad.layer', { l }) }), bar,
        h('span', { class: 'ls-num', text: known ? formatPercent(v, 0) : t('grad.na') }),
      ]);
    }));
  }

  function drawChart() {
    const rows = history.rows;
    waiting.hidden = rows.length > 1;
    const { g, w, h: H } = prepareCanvas(canvas);
    const font = parseFloat(getComputedStyle(canvas).fontSize) || 12;
    const left = font * 3.2, bottom = font * 1.4, top = font * 0.5, right = font * 0.5;
    const layers = rows.length ? Object.keys(rows[rows.length - 1].norms).map(Number) : [];
    let lo = Infinity, hi = -Infinity;
    for (const r of rows) for (const l of layers) {
      const v = r.norms[l];
      if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    const legendKey = `${state?.lang}|${layers.join(',')}`;
    if (legendKey !== shownLegend) {
      shownLegend = legendKey;
      legend.replaceChildren(...layers.map((l) => h('span', { class: 'ls-legend-item' }, [
        h('span', { class: 'ls-swatch', style: `background:${layerColor(l)}` }), t('grad.layer', { l }),
      ])));
    }
    const last = rows[rows.length - 1];
    const L = layers.length ? layers[layers.length - 1] : 0;
    if (last && L > 1 && last.norms[L] > 0) {
      ratio.textContent = t('grad.ratio', { ratio: fmt(last.norms[1] / last.norms[L], 2), L });
    } else ratio.textContent = '';
    if (!Number.isFinite(lo) || rows.length < 1) return;
    const d0 = Math.floor(Math.log10(lo)), d1 = Math.max(d0 + 1, Math.ceil(Math.log10(hi)));
    const e0 = rows[0].epoch, e1 = Math.max(e0 + 1, rows[rows.length - 1].epoch);
    const x = (/** @type {number} */ e) => left + ((e - e0) / (e1 - e0)) * (w - left - right);
    const y = (/** @type {number} */ v) => top + ((d1 - Math.log10(v)) / (d1 - d0)) * (H - top - bottom);
    g.font = `${font * 0.8}px system-ui, sans-serif`;
    g.fillStyle = '#5b636d';
    g.strokeStyle = '#e3e6ea';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    const stride = Math.max(1, Math.ceil((d1 - d0) / 6));
    for (let d = d0; d <= d1; d += stride) {
      g.beginPath(); g.moveTo(left, y(10 ** d) + 0.5); g.lineTo(w - right, y(10 ** d) + 0.5); g.stroke();
      g.fillText(`1e${d}`, left - 4, y(10 ** d));
    }
    g.textAlign = 'left'; g.textBaseline = 'bottom';
    g.fillText(`${t('grad.epoch')} ${e0}`, left, H);
    g.textAlign = 'right';
    g.fillText(String(e1), w - right, H);
    g.lineWidth = 2;
    for (const l of layers) {
      g.strokeStyle = layerColor(l);
      g.beginPath();
      let pen = false;
      for (const r of rows) {
        const v = r.norms[l];
        if (!(v > 0) || !Number.isFinite(v)) { pen = false; continue; }
        if (pen) g.lineTo(x(r.epoch), y(v)); else g.moveTo(x(r.epoch), y(v));
        pen = true;
      }
      if (rows.length === 1 && last.norms[l] > 0) g.fillRect(x(last.epoch) - 2, y(last.norms[l]) - 2, 4, 4);
      g.stroke();
    }
  }

  const draw = throttle(() => { drawSaturation(); drawChart(); }, 200);

  labels();
  return {
    /** @param {import('../state.js').AppState} next @param {Set<string>} changed @param {boolean} visible */
    update(next, changed, visible) {
      state = next;
      if (changed.has('lang')) labels();
      else if (changed.has('config') || changed.has('hello')) satTitle.textContent = saturationTitle();
      if (changed.has('frame')) history.add(next.frame?.header);
      if (redraws(changed, visible)) draw();
    },
  };
}
