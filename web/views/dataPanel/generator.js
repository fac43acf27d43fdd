// @ts-check
/**
 * The data panel's generator settings: classes (for the datasets that offer a choice), points,
 * noise, the train and validation shares with the split bar, and "new points". It builds them
 * with h(), renders them from the config, and sends a change of any as one dataset patch.
 */
import { h } from '../../dom.js';
import { formatNumber, formatPercent } from '../../i18n.js';
import { lockControl } from '../../rooms/locks.js';

/** Datasets whose points are given, not generated: no noise, size or new draw. */
export const FIXED = new Set(['custom', 'student']);
const POINT_CHOICES = [50, 100, 200, 300, 500, 1000, 2000];

/**
 * @param {{t: (key: string, params?: Record<string, unknown>) => string,
 *   setDataset: (patch: Record<string, number>) => void, seed: () => number}} deps
 */
export function createGenerator({ t, setDataset, seed }) {
  const classes = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'classes' },
    [2, 3, 4, 5, 6].map((k) => h('option', { value: String(k), text: String(k) }))));
  const points = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'points' }));
  const range = (/** @type {string} */ testid, /** @type {number} */ min, /** @type {number} */ max) =>
    /** @type {HTMLInputElement} */ (h('input', { type: 'range', min, max, step: '0.05', 'data-testid': testid }));
  const noise = range('noise', 0, 1);
  const train = range('train-fraction', 0.1, 0.9);
  const validation = range('validation-fraction', 0, 0.4);
  const out = (/** @type {string} */ name) => h('output', { class: 'pp-out', 'data-out': name });
  const outputs = { noise: out('noise'), train: out('train'), validation: out('validation') };
  const rangeField = (/** @type {string} */ label, /** @type {HTMLInputElement} */ input, /** @type {HTMLElement} */ output) =>
    h('label', { class: 'pp-field pp-range' }, [h('span', { 'data-label': label }), input, output]);
  const classesField = h('label', { class: 'pp-field pp-classes-field', hidden: true }, [h('span', { 'data-label': 'data.classes' }), classes]);
  const bar = h('span', { class: 'pp-split-bar', 'aria-hidden': 'true' }, [h('i', { class: 'tr' }), h('i', { class: 'va' }), h('i', { class: 'te' })]);
  const testShare = h('span', { class: 'pp-split-test' });
  const grid = h('div', { class: 'pp-grid' }, [
    classesField,
    h('label', { class: 'pp-field' }, [h('span', { 'data-label': 'data.points' }), points]),
    rangeField('data.noise', noise, outputs.noise),
    rangeField('data.train', train, outputs.train),
    rangeField('data.validation', validation, outputs.validation),
    h('div', { class: 'pp-field pp-split' }, [bar, testShare]),
  ]);
  const regen = /** @type {HTMLButtonElement} */ (h('button', {
    type: 'button', class: 'pp-btn pp-regen', 'data-testid': 'regenerate', 'data-label': 'data.regenerate', 'data-title': 'data.regenerate.title',
  }));

  for (const input of [noise, train, validation]) {
    input.addEventListener('pointerdown', () => { input.dataset.dragging = 'true'; });
    input.addEventListener('input', () => {
      if (input === train && Number(train.value) + Number(validation.value) > 0.95) {
        validation.value = String(Math.max(0, 0.95 - Number(train.value)).toFixed(2));
      }
      if (input === validation && Number(train.value) + Number(validation.value) > 0.95) {
        train.value = String(Math.max(0.1, 0.95 - Number(validation.value)).toFixed(2));
      }
      renderShares();
    });
    input.addEventListener('change', () => {
      input.dataset.dragging = 'false';
      setDataset({ noise: Number(noise.value), train_fraction: Number(train.value), validation_fraction: Number(validation.value) });
    });
  }
  classes.addEventListener('change', () => setDataset({ classes: Number(classes.value) }));
  points.addEventListener('change', () => setDataset({ points: Number(points.value) }));
  regen.addEventListener('click', () => setDataset({ seed: (seed() + 1) % 2147483647 }));

  /** A slider's value, unless the reader is dragging it. */
  function setRange(/** @type {HTMLInputElement} */ input, /** @type {number} */ value) {
    if (document.activeElement === input && input.dataset.dragging === 'true') return;
    input.value = String(value);
  }

  /** The sliders' readouts and the split bar, from the sliders as they are. */
  function renderShares() {
    const tf = Number(train.value);
    const vf = Number(validation.value);
    outputs.noise.textContent = formatNumber(Number(noise.value), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    outputs.train.textContent = formatPercent(tf, 0);
    outputs.validation.textContent = formatPercent(vf, 0);
    const te = Math.max(0, 1 - tf - vf);
    testShare.textContent = t('data.test', { pct: formatPercent(te, 0) });
    bar.style.setProperty('--tr', String(tf));
    bar.style.setProperty('--va', String(vf));
    bar.style.setProperty('--te', String(te));
  }

  return {
    grid,
    regen,
    noise,
    renderShares,
    /**
     * The choice of points: the usual sizes up to the server's limit, and the current size
     * (given data has the size it has).
     * @param {any} dataset  the config's
     * @param {any} data  the latest `data` message
     * @param {any} limits  hello.limits
     */
    renderPoints(dataset, data, limits) {
      const max = Number(limits?.max_points ?? limits?.points) || Infinity;
      const given = FIXED.has(dataset?.name) && data
        ? ['train', 'validation', 'test'].reduce((sum, part) => sum + (data[part]?.x1?.length ?? 0), 0)
        : 0;
      const current = given || Number(dataset?.points) || 500;
      const values = [...new Set([...POINT_CHOICES.filter((v) => v <= max), current])].sort((a, b) => a - b);
      points.replaceChildren(...values.map((v) => new Option(String(v), String(v))));
      points.value = String(current);
    },
    /**
     * The sliders and the classes from the config's dataset.
     * @param {any} dataset
     */
    sync(dataset) {
      setRange(noise, Number(dataset.noise) || 0);
      setRange(train, Number(dataset.train_fraction) || 0.5);
      setRange(validation, Number(dataset.validation_fraction) || 0);
      classes.value = String(dataset.classes ?? 2);
    },
    /** Shows the classes where the dataset offers a choice. */
    showClasses(/** @type {boolean} */ on) {
      classesField.hidden = !on;
    },
    /**
     * Disables everything while a teacher locks the dataset, and what given data has not.
     * @param {boolean} locked @param {boolean} fixed
     */
    lock(locked, fixed) {
      for (const el of [classes, train, validation]) lockControl(el, locked);
      for (const el of [noise, points, regen]) lockControl(el, locked, fixed);
    },
  };
}
