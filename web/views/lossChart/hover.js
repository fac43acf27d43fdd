// @ts-check
/**
 * The loss chart's hover readout: a cursor at the nearest epoch of the history and a tooltip
 * with each series' loss (and accuracy, for classification) there.
 */
import { h } from '../../dom.js';
import { formatPercent } from '../../i18n.js';
import { fmt, SERIES } from './plot.js';

/** @typedef {{epoch: number, [key: string]: number | null | undefined}} HistoryRow */

/**
 * The history row nearest to an epoch (rows are sorted by epoch).
 * @param {HistoryRow[]} history
 * @param {number} epoch
 */
function rowAt(history, epoch) {
  let lo = 0;
  let hi = history.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (history[mid].epoch < epoch) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(history[lo - 1].epoch - epoch) < Math.abs(history[lo].epoch - epoch)) lo -= 1;
  return history[lo];
}

/**
 * Follows the pointer over the canvas.
 * @param {HTMLCanvasElement} canvas
 * @param {{cursor: HTMLElement, tip: HTMLElement, t: (key: string) => string,
 *   read: () => {history: HistoryRow[], geom: import('./plot.js').Geometry, classification: boolean}}} parts
 */
export function followPointer(canvas, { cursor, tip, t, read }) {
  function hide() {
    cursor.hidden = true;
    tip.hidden = true;
  }
  canvas.addEventListener('pointermove', (ev) => {
    const { history, geom, classification } = read();
    if (history.length === 0 || geom.width <= 0) return hide();
    const rect = canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left;
    if (x < geom.left || x > geom.left + geom.width) return hide();
    const row = rowAt(history, geom.e0 + ((x - geom.left) / geom.width) * (geom.e1 - geom.e0));
    const px = geom.left + ((row.epoch - geom.e0) / (geom.e1 - geom.e0)) * geom.width;
    cursor.hidden = false;
    cursor.style.left = `${px}px`;
    cursor.style.top = `${geom.top}px`;
    cursor.style.height = `${geom.height}px`;
    /** @type {(Node | string)[]} */ const lines = [h('b', { text: `${t('loss.epoch')} ${row.epoch}` })];
    for (const s of SERIES) {
      const v = row[`${s.part}_loss`];
      if (typeof v !== 'number') continue;
      const a = row[`${s.part}_accuracy`];
      const acc = classification && typeof a === 'number' ? ` · ${formatPercent(a, 1)}` : '';
      lines.push(h('br'), h('span', { style: `color:${s.color}`, text: '■' }), ` ${t(`loss.${s.part}`)} ${fmt(v)}${acc}`);
    }
    tip.replaceChildren(...lines);
    tip.hidden = false;
    const right = px > rect.width / 2;
    tip.style.left = right ? '' : `${px + 8}px`;
    tip.style.right = right ? `${rect.width - px + 8}px` : '';
    tip.style.top = `${geom.top}px`;
  });
  canvas.addEventListener('pointerleave', hide);
}
