// @ts-check
/**
 * The neuron card: shown while a hidden neuron is hovered or focused, it draws the neuron large
 * with its share of active points, its layer's saturation, its bias and its incoming weights.
 */
import { feature } from '../../data/features.js';
import { formatNumber, formatPercent } from '../../i18n.js';
import { divergingCss } from '../../palette.js';
import { sub } from './layout.js';

/**
 * What the card shows: the neuron (its element, canvas and last image), where it sits, and the
 * latest frame, diagnostics and config.
 * @typedef {{
 *   neuron: {el: HTMLElement, canvas: HTMLCanvasElement, image: ImageData | null, dead: boolean},
 *   l: number, j: number, frame: any, diagnostics: any, config: any,
 * }} CardView
 */

const THREE_DECIMALS = { minimumFractionDigits: 3, maximumFractionDigits: 3 };

/**
 * @param {HTMLElement} container  the network view (the card is placed inside it)
 * @param {HTMLElement} card
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 */
export function createNeuronCard(container, card, t) {
  const canvas = document.createElement('canvas');

  return {
    hide() {
      card.hidden = true;
    },
    /** @param {CardView} view */
    show({ neuron, l, j, frame, diagnostics, config }) {
      const stats = diagnostics?.layers?.[String(l)];
      const W = frame.arrays[`W/${l}`];
      const b = frame.arrays[`b/${l}`];
      const nPrev = W ? W.shape[1] : 0;
      const names = l === 1 ? (config?.features ?? []).map((/** @type {string} */ f) => feature(f)?.label ?? f)
        : Array.from({ length: nPrev }, (_, i) => `a${sub(l - 1)}${sub(i + 1)}`);
      const weights = [];
      for (let i = 0; i < nPrev; i++) {
        const w = W.data[j * nPrev + i];
        const pct = Math.min(100, Math.abs(w) * 25);
        weights.push(`<div class="w-row"><span class="w-name">${names[i] ?? i}</span><span class="w-bar"><i style="width:${pct}%;background:${divergingCss(Math.sign(w))}"></i></span><span class="w-val">${formatNumber(w, THREE_DECIMALS)}</span></div>`);
      }
      const share = stats?.active_share?.[j];
      const since = frame.header.dead_since?.[String(l)]?.[String(j)];
      card.innerHTML = `
        <h3>${t('network.card.layer', { l, j: j + 1 })} · ${t(`act.${config?.hidden?.[l - 1]?.activation ?? ''}`)}</h3>
        <div class="card-body"><div class="card-canvas"></div>
        <dl>
          <dt>${t('network.card.active')}</dt><dd data-testid="card-active">${share === undefined ? '–' : formatPercent(share, 1)}</dd>
          <dt>${t('network.card.saturation')}</dt><dd>${stats?.saturation === null || stats?.saturation === undefined ? '–' : formatPercent(stats.saturation, 1)}</dd>
          <dt>${t('network.card.bias')}</dt><dd>${b ? formatNumber(b.data[j], THREE_DECIMALS) : '–'}</dd>
        </dl></div>
        ${neuron.dead ? `<p class="card-dead">${since === undefined ? t('network.dead') : t('network.card.deadSince', { epoch: since })}</p>` : ''}
        <h4>${t('network.card.weights')}</h4>${weights.join('')}
        <p class="hint">${t('network.card.hint')}</p>`;
      canvas.width = neuron.canvas.width;
      canvas.height = neuron.canvas.height;
      if (neuron.image) /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).putImageData(neuron.image, 0, 0);
      card.querySelector('.card-canvas')?.append(canvas);
      card.classList.toggle('dead', neuron.dead);
      const box = container.getBoundingClientRect();
      const r = neuron.el.getBoundingClientRect();
      const left = r.right - box.left + 10;
      card.style.left = `${Math.min(left, box.width - 290)}px`;
      card.style.top = `${r.top - box.top}px`;
      card.hidden = false;
    },
  };
}
