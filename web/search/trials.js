// @ts-check
/**
 * The Search panel's trials table: one row per trial (its number, its 32×32 decision
 * boundary, its config in the reader's words, its scores, size and time, and a Load button).
 */
import { h } from '../dom.js';
import { formatNumber, formatShare, nameLabel } from '../i18n.js';
import { classCss } from '../palette.js';

/** The side of a trial's thumbnail, as the server sends it. */
const SIZE = 32;

/** @typedef {(key: string, params?: Record<string, unknown>) => string} Translate */

/**
 * A score with `digits` decimals, or a dash.
 * @param {number | null | undefined} x @param {number} [digits]
 */
export const num = (x, digits = 4) => (x == null || !Number.isFinite(x) ? '–' : formatNumber(x, { minimumFractionDigits: digits, maximumFractionDigits: digits }));

/**
 * A trial's config in the reader's words: « α = 0,03 · SGD · 2×4 Tanh · graine 2 ».
 * @param {any} c @param {Translate} t
 */
function configText(c, t) {
  const parts = [t('search.row', {
    lr: formatNumber(c.learning_rate, { maximumSignificantDigits: 3 }),
    optimizer: c.optimizer === 'gd' ? t('search.row.gd') : nameLabel(t, c.optimizer),
    layers: c.layers, units: c.units, activation: nameLabel(t, c.activation),
  })];
  if (c.seed != null) parts.push(t('search.row.seed', { seed: c.seed }));
  return parts.join(' · ');
}

/**
 * A trial's row; a click anywhere on it loads the trial.
 * @param {any} trial
 * @param {{t: Translate, thumb: HTMLCanvasElement, loaded: boolean, load: () => void}} how
 */
export function trialRow(trial, { t, thumb, loaded, load }) {
  const tr = h('tr', { 'data-testid': `search-row-${trial.trial}`, 'data-val-loss': String(trial.val_loss ?? '') }, [
    h('td', {}, [String(trial.trial)]),
    h('td', {}, [thumb]),
    h('td', { class: 'srch-config' }, [configText(trial.config, t) + (trial.diverged ? ` · ${t('search.diverged')}` : '')]),
    h('td', {}, [num(trial.val_loss)]), h('td', {}, [formatShare(trial.val_accuracy)]),
    h('td', {}, [num(trial.train_loss)]), h('td', {}, [String(trial.params)]), h('td', {}, [num(trial.seconds, 2)]),
    h('td', {}, [h('button', { type: 'button', 'data-testid': `search-load-${trial.trial}`, title: t('search.loadTitle') }, [t('search.load')])]),
  ]);
  if (loaded) tr.classList.add('srch-loaded');
  tr.addEventListener('click', load);
  return tr;
}

/**
 * The 32×32 decision boundary: ŷ on the diverging ramp, or the class colors.
 * @param {string} data  base64 bytes, one per cell
 * @param {boolean} multiclass
 * @param {Uint32Array} lut  the diverging ramp's pixels
 */
export function thumbnail(data, multiclass, lut) {
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'srch-thumb', width: String(SIZE), height: String(SIZE) }));
  const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
  const g = canvas.getContext('2d');
  if (!g || bytes.length !== SIZE * SIZE) return canvas;
  const image = g.createImageData(SIZE, SIZE);
  const pixels = new Uint32Array(image.data.buffer);
  for (let i = 0; i < bytes.length; i++) {
    pixels[i] = multiclass ? cssToPixel(classCss(bytes[i])) : lut[bytes[i]];
  }
  g.putImageData(image, 0, 0);
  return canvas;
}

/** '#rrggbb' as a little-endian RGBA pixel. */
function cssToPixel(/** @type {string} */ css) {
  const v = parseInt(css.slice(1), 16);
  return (255 << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff);
}
