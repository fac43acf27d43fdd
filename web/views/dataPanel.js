// @ts-check
/**
 * The data panel: dataset picker with thumbnails, classes, noise, train/validation split,
 * regenerate, input-feature toggles with their heatmaps, and the custom-data editor / CSV upload.
 * Its parts: dataPanel/choices.js (the dataset and feature buttons), dataPanel/generator.js
 * (the generator's settings), dataPanel/errors.js (its error line), data/customEditor.js
 * (drawing and CSV). A teacher's locks
 * (`state.locked`: dataset, features, data_edit) disable its controls.
 */
import { datasetEntries, hasClassChoice } from '../data/picker.js';
import { DATA_STRINGS } from '../data/strings.js';
import { ERROR_STRINGS } from '../errors.js';
import { FEATURES } from '../data/features.js';
import { createCustomEditor } from '../data/customEditor.js';
import { h } from '../dom.js';
import { applyLabels } from '../i18n.js';
import { lockControl, lockedIn } from '../rooms/locks.js';
import { press, renderDatasets, renderFeatures } from './dataPanel/choices.js';
import { createPanelErrors } from './dataPanel/errors.js';
import { createGenerator, FIXED } from './dataPanel/generator.js';

/** @typedef {import('../data/picker.js').DatasetEntry} DatasetEntry */

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx  the view context (store, send, configure, t, i18n)
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountDataPanel(container, ctx) {
  ctx.i18n.register(DATA_STRINGS);
  ctx.i18n.register(ERROR_STRINGS);
  const t = ctx.t;
  container.classList.add('pp-panel', 'pp-data');
  const generator = createGenerator({
    t,
    setDataset,
    seed: () => Number(config?.dataset?.seed) || 0,
  });
  const datasetsEl = h('div', { class: 'pp-datasets', role: 'group' });
  const summaryEl = h('span', { class: 'pp-summary pp-hint', 'data-testid': 'data-summary' });
  const errorEl = h('p', { class: 'pp-error', 'data-testid': 'data-error', role: 'alert', hidden: true });
  const featuresEl = h('div', { class: 'pp-features', role: 'group' });
  const standardize = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', 'data-testid': 'standardize' }));
  const customWrap = /** @type {HTMLDetailsElement} */ (h('details', { class: 'pp-custom-wrap', open: true }, [
    h('summary', { class: 'pp-subtitle', 'data-label': 'data.custom' }),
  ]));
  const customRoot = h('div', { class: 'pp-custom-root' });
  customWrap.append(customRoot);
  container.replaceChildren(
    h('h2', { class: 'pp-title', 'data-label': 'data.title' }),
    datasetsEl,
    generator.grid,
    h('div', { class: 'pp-row' }, [generator.regen, summaryEl]),
    errorEl,
    h('h3', { class: 'pp-subtitle', 'data-label': 'data.features' }),
    featuresEl,
    h('p', { class: 'pp-hint', 'data-label': 'data.features.help' }),
    h('label', { class: 'pp-check' }, [standardize, h('span', { 'data-label': 'data.standardize' })]),
    customWrap,
  );
  standardize.addEventListener('change', () => ctx.configure({ standardize: standardize.checked }));

  /** @type {any} */ let config = null;
  /** @type {any} */ let data = null;
  /** The controls a teacher locked (rooms/locks.js). */
  /** @type {ReadonlySet<string>} */ let locked = new Set();
  /** Whether this session has custom points the server can switch back to. */
  let hadCustom = false;
  /** Feature keys the server offers (all of ours until the catalog says otherwise). */
  let offered = new Set(FEATURES.map((f) => f.key));
  /** @type {DatasetEntry[]} */ let entries = datasetEntries(null);
  /** @type {number[]} */ let domain = [-6, 6, -6, 6];
  const errors = createPanelErrors(errorEl, t);

  const editor = createCustomEditor(customRoot, {
    send: request,
    t,
    onLocalError: errors.local,
  });

  /**
   * Sends one of this panel's requests: its error, if any, shows in the panel.
   * @param {import('../types/protocol').Outgoing} message
   */
  function request(message) {
    ctx.request(message).catch((/** @type {any} */ error) => {
      if (error?.code === 'disconnected') return;
      errors.server(error);
    });
  }

  /** @param {import('../state.js').DeepPartial<import('../types/protocol').Config>} partial */
  function configure(partial) {
    request({ type: 'configure', config: /** @type {import('../types/protocol').Config} */ (partial) });
    errors.clear();
  }

  /** @param {object} patch merged into the current dataset config */
  function setDataset(patch) {
    configure({ dataset: { ...(config?.dataset ?? {}), ...patch } });
  }

  /** @param {DatasetEntry} entry */
  function pickDataset(entry) {
    if (entry.name === config?.dataset?.name) return;
    if (entry.name === 'custom' && !hadCustom) {
      // No custom points in this session yet: they are made by clicking or uploading.
      customWrap.open = true;
      /** @type {HTMLElement | null} */ (container.querySelector('.pp-custom-canvas'))?.focus();
      return;
    }
    setDataset({ name: entry.name });
  }

  /** @param {string} key */
  function toggleFeature(key) {
    const current = /** @type {string[]} */ (config?.features ?? ['x1', 'x2']);
    const on = current.includes(key);
    if (on && current.length === 1) {
      errors.local(t('data.features.last'));
      return;
    }
    const order = FEATURES.map((f) => f.key);
    const next = on ? current.filter((k) => k !== key) : [...current, key];
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    configure({ features: /** @type {import('../types/protocol').Config['features']} */ (next) });
  }

  function drawDatasets() {
    renderDatasets(datasetsEl, entries, config?.dataset, t, pickDataset);
    renderLocks();
  }

  function drawFeatures() {
    renderFeatures(featuresEl, offered, config?.features ?? ['x1', 'x2'], domain, toggleFeature);
    renderLocks();
  }

  function renderOutputs() {
    generator.renderShares();
    generator.showClasses(hasClassChoice(entries.find((e) => e.name === config?.dataset?.name)));
    renderLocks();
  }

  /**
   * Disables the controls a teacher locked (rooms/locks.js), and the generator's settings that
   * given data (custom points, the four students) does not have.
   */
  function renderLocks() {
    generator.lock(locked.has('dataset'), FIXED.has(config?.dataset?.name));
    for (const b of datasetsEl.children) lockControl(b, locked.has('dataset'));
    for (const b of featuresEl.children) lockControl(b, locked.has('features'));
    lockControl(standardize, locked.has('features'));
    editor.setLocked(locked.has('data_edit'));
  }

  function renderPoints(/** @type {any} */ limits = ctx.store?.state?.hello?.limits) {
    generator.renderPoints(config?.dataset, data, limits);
  }

  function renderSummary() {
    if (!data) { summaryEl.textContent = ''; return; }
    const count = (/** @type {string} */ part) => data[part]?.x1?.length ?? 0;
    const task = data.task === 'multiclass'
      ? `${data.classes} ${t('data.classes').toLowerCase()}`
      : t(`data.task.${data.task}`);
    summaryEl.textContent = t('data.summary', {
      task, train: count('train'), validation: count('validation'), test: count('test'),
    });
  }

  function relabel() {
    // The buttons that carry a tooltip have text of their own: it stays their accessible name.
    applyLabels(container, t, () => false);
    datasetsEl.setAttribute('aria-label', t('data.dataset'));
    featuresEl.setAttribute('aria-label', t('data.features'));
    drawDatasets();
    renderOutputs();
    renderSummary();
    editor.relabel();
  }

  /** A new config: the buttons pressed, the settings and the editor's source. */
  function renderConfig(/** @type {any} */ prev) {
    if (config.dataset?.name === 'custom') hadCustom = true;
    const ds = config.dataset ?? {};
    editor.setSource({
      name: ds.name ?? 'custom', label: t(`dataset.${ds.name}`),
      train: Number(ds.train_fraction ?? 0.5), validation: Number(ds.validation_fraction ?? 0),
    });
    if (prev?.dataset?.name !== ds.name || prev?.dataset?.classes !== ds.classes) drawDatasets();
    else press(datasetsEl, (b) => b.dataset.name ?? '', (name) => name === ds.name);
    standardize.checked = Boolean(config.standardize);
    const on = new Set(config.features ?? []);
    press(featuresEl, (b) => b.dataset.testid?.slice('feature-'.length) ?? '', (key) => on.has(key));
    if (!config.dataset) return;
    generator.sync(config.dataset);
    renderPoints();
    renderOutputs();
  }

  drawFeatures();
  relabel();

  return {
    update(state, changed) {
      if (changed.has('locked')) locked = lockedIn(state);
      if (changed.has('catalog') && state.catalog) {
        entries = datasetEntries(state.catalog);
        drawDatasets();
        const names = (state.catalog.features ?? []).map((/** @type {any} */ f) => (typeof f === 'string' ? f : f?.name));
        if (names.length > 0) {
          offered = new Set(names);
          drawFeatures();
        }
      }
      if (changed.has('hello')) {
        hadCustom = state.config?.dataset?.name === 'custom';
        const limits = state.hello?.limits;
        editor.setLimits(limits);
        renderPoints(limits);
        if (typeof limits?.max_noise === 'number') generator.noise.max = String(limits.max_noise);
      }
      if (changed.has('config') && state.config) {
        const prev = config;
        config = state.config;
        renderConfig(prev);
      }
      if (changed.has('data') && state.data) {
        const d = state.data.domain;
        if (Array.isArray(d) && d.length === 4 && d.some((v, i) => v !== domain[i])) {
          domain = d.slice();
          drawFeatures();
        }
        data = state.data;
        editor.setData(data);
        renderSummary();
        renderPoints();
      }
      if (changed.has('errors')) {
        errors.read(Array.isArray(state.errors) ? state.errors : []);
      } else if (errors.showing() && (changed.has('config') || changed.has('data'))) {
        // An accepted change supersedes this panel's earlier error, its own or the server's.
        errors.clear();
      }
      if (changed.has('locked')) renderLocks();
      if (changed.has('lang')) relabel();
    },
  };
}
