// @ts-check
/**
 * The data panel's two rows of picture buttons: the datasets (a thumbnail of each, from the
 * catalog's preview points) and the input features (each one's map over the plane). They
 * build from what they are given and say which was pressed; the panel sends the change.
 */
import { h } from '../../dom.js';
import { drawThumbnail, hasClassChoice } from '../../data/picker.js';
import { FEATURES, paintFeature } from '../../data/features.js';

/** @typedef {import('../../data/picker.js').DatasetEntry} DatasetEntry */

/**
 * One button per dataset, the current one pressed.
 * @param {HTMLElement} row
 * @param {DatasetEntry[]} entries
 * @param {any} dataset  the config's
 * @param {(key: string) => string} t
 * @param {(entry: DatasetEntry) => void} pick
 */
export function renderDatasets(row, entries, dataset, t, pick) {
  const current = dataset?.name;
  const k = Number(dataset?.classes) || 2;
  row.replaceChildren(...entries.map((entry) => {
    const kind = entry.task === 'classes' ? 'multiclass' : entry.task;
    const thumb = h('canvas', { class: 'pp-thumb' });
    drawThumbnail(/** @type {HTMLCanvasElement} */ (thumb), entry, hasClassChoice(entry) ? Math.max(3, k) : 2);
    const b = h('button', {
      type: 'button', class: 'pp-dataset', 'data-testid': `dataset-${entry.name}`, 'data-name': entry.name,
      'aria-pressed': String(entry.name === current),
      title: kind && kind !== 'custom' ? `${t(`dataset.${entry.name}`)} (${t(`data.task.${kind}`)})` : null,
    }, [thumb, h('span', { class: 'pp-dataset-name', text: t(`dataset.${entry.name}`) })]);
    b.addEventListener('click', () => pick(entry));
    return b;
  }));
}

/**
 * One button per feature the server offers, the ones in use pressed.
 * @param {HTMLElement} row
 * @param {Set<string>} offered
 * @param {string[]} on  the config's features
 * @param {number[]} domain  the plane [x1 min, x1 max, x2 min, x2 max]
 * @param {(key: string) => void} toggle
 */
export function renderFeatures(row, offered, on, domain, toggle) {
  row.replaceChildren(...FEATURES.filter((f) => offered.has(f.key)).map((f) => {
    const map = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'pp-feature-map' }));
    paintFeature(map, f.fn, domain);
    const label = h('span', { class: 'pp-feature-name' });
    // The feature's name with its sub- and superscripts (x₁², sin x₁), written by our own table.
    label.innerHTML = f.html;
    const b = h('button', {
      type: 'button', class: 'pp-feature', 'data-testid': `feature-${f.key}`, 'aria-pressed': String(on.includes(f.key)),
    }, [map, label]);
    b.addEventListener('click', () => toggle(f.key));
    return b;
  }));
}

/**
 * Presses the buttons of a row whose `key` is in `on`.
 * @param {HTMLElement} row
 * @param {(button: HTMLElement) => string} key
 * @param {(key: string) => boolean} on
 */
export function press(row, key, on) {
  for (const b of /** @type {HTMLCollectionOf<HTMLElement>} */ (row.children)) b.setAttribute('aria-pressed', String(on(key(b))));
}
