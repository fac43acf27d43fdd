// @ts-check
/**
 * The data panel: dataset picker with thumbnails, classes, noise, train/validation split,
 * regenerate, input-feature toggles with their heatmaps, and the custom-data editor / CSV upload.
 */
import { datasetEntries, drawThumbnail, hasClassChoice } from '../data/picker.js';
import { DATA_STRINGS } from '../data/strings.js';
import { ERROR_STRINGS, errorText } from '../errors.js';
import { FEATURES, paintFeature } from '../data/features.js';
import { createCustomEditor } from '../data/customEditor.js';
import { applyLabels, formatNumber, formatPercent } from '../i18n.js';
import { lockControl, lockedIn } from '../rooms/locks.js';

/** Datasets whose points are given, not generated: no noise, size or new draw. */
const FIXED = new Set(['custom', 'student']);
const POINT_CHOICES = [50, 100, 200, 300, 500, 1000, 2000];

/** @typedef {import('../data/picker.js').DatasetEntry} DatasetEntry */

/**
 * @param {HTMLElement} container
 * @param {any} ctx  the view context (store, send, configure, t, i18n)
 * @returns {{update(state: any, changed: Set<string>): void}}
 */
export function mountDataPanel(container, ctx) {
  ctx.i18n.register(DATA_STRINGS);
  ctx.i18n.register(ERROR_STRINGS);
  const t = ctx.t;
  container.classList.add('pp-panel', 'pp-data');
  container.innerHTML = `
    <h2 class="pp-title" data-label="data.title"></h2>
    <div class="pp-datasets" role="group"></div>
    <div class="pp-grid">
      <label class="pp-field pp-classes-field" hidden><span data-label="data.classes"></span>
        <select data-testid="classes">${[2, 3, 4, 5, 6].map((k) => `<option value="${k}">${k}</option>`).join('')}</select>
      </label>
      <label class="pp-field"><span data-label="data.points"></span>
        <select data-testid="points"></select>
      </label>
      <label class="pp-field pp-range"><span data-label="data.noise"></span>
        <input type="range" min="0" max="1" step="0.05" data-testid="noise">
        <output class="pp-out" data-out="noise"></output>
      </label>
      <label class="pp-field pp-range"><span data-label="data.train"></span>
        <input type="range" min="0.1" max="0.9" step="0.05" data-testid="train-fraction">
        <output class="pp-out" data-out="train"></output>
      </label>
      <label class="pp-field pp-range"><span data-label="data.validation"></span>
        <input type="range" min="0" max="0.4" step="0.05" data-testid="validation-fraction">
        <output class="pp-out" data-out="validation"></output>
      </label>
      <div class="pp-field pp-split">
        <span class="pp-split-bar" aria-hidden="true"><i class="tr"></i><i class="va"></i><i class="te"></i></span>
        <span class="pp-split-test"></span>
      </div>
    </div>
    <div class="pp-row">
      <button type="button" class="pp-btn pp-regen" data-testid="regenerate"
        data-label="data.regenerate" data-title="data.regenerate.title"></button>
      <span class="pp-summary pp-hint" data-testid="data-summary"></span>
    </div>
    <p class="pp-error" data-testid="data-error" role="alert" hidden></p>
    <h3 class="pp-subtitle" data-label="data.features"></h3>
    <div class="pp-features" role="group"></div>
    <p class="pp-hint" data-label="data.features.help"></p>
    <label class="pp-check"><input type="checkbox" data-testid="standardize"><span data-label="data.standardize"></span></label>
    <details class="pp-custom-wrap" open>
      <summary class="pp-subtitle" data-label="data.custom"></summary>
      <div class="pp-custom-root"></div>
    </details>`;

  const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (container.querySelector(sel));
  const datasetsEl = $('.pp-datasets');
  const classesField = $('.pp-classes-field');
  const classesSel = /** @type {HTMLSelectElement} */ ($('[data-testid="classes"]'));
  const pointsSel = /** @type {HTMLSelectElement} */ ($('[data-testid="points"]'));
  const noise = /** @type {HTMLInputElement} */ ($('[data-testid="noise"]'));
  const train = /** @type {HTMLInputElement} */ ($('[data-testid="train-fraction"]'));
  const validation = /** @type {HTMLInputElement} */ ($('[data-testid="validation-fraction"]'));
  const regen = $('[data-testid="regenerate"]');
  const errorEl = $('[data-testid="data-error"]');
  const featuresEl = $('.pp-features');
  const standardize = /** @type {HTMLInputElement} */ ($('[data-testid="standardize"]'));
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
  /** @type {string | null} */ let localError = null;
  /** @type {any} */ let shownError = null;
  /** Error messages already looked at, so an old one never comes back. */
  const seenErrors = new WeakSet();

  const editor = createCustomEditor($('.pp-custom-root'), {
    send: request,
    t,
    onLocalError(msg) {
      localError = msg;
      if (!msg) shownError = null;
      renderError();
    },
  });

  /**
   * Sends one of this panel's requests: its error, if any, shows in the panel.
   * @param {{type: string, [key: string]: any}} message
   */
  function request(message) {
    ctx.request(message).catch((/** @type {any} */ error) => {
      if (error?.code === 'disconnected') return;
      seenErrors.add(error);
      shownError = error;
      localError = null;
      renderError();
    });
  }

  /** @param {object} partial */
  function configure(partial) {
    request({ type: 'configure', config: partial });
    localError = null;
    shownError = null;
    renderError();
  }

  /** @param {object} patch merged into the current dataset config */
  function setDataset(patch) {
    configure({ dataset: { ...(config?.dataset ?? {}), ...patch } });
  }

  function renderDatasets() {
    datasetsEl.replaceChildren();
    const current = config?.dataset?.name;
    const k = Number(config?.dataset?.classes) || 2;
    for (const entry of entries) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'pp-dataset';
      b.dataset.testid = `dataset-${entry.name}`;
      b.dataset.name = entry.name;
      b.setAttribute('aria-pressed', String(entry.name === current));
      const kind = entry.task === 'classes' ? 'multiclass' : entry.task;
      if (kind && kind !== 'custom') b.title = `${t(`dataset.${entry.name}`)} (${t(`data.task.${kind}`)})`;
      const c = document.createElement('canvas');
      c.className = 'pp-thumb';
      drawThumbnail(c, entry, hasClassChoice(entry) ? Math.max(3, k) : 2);
      const label = document.createElement('span');
      label.className = 'pp-dataset-name';
      label.textContent = t(`dataset.${entry.name}`);
      b.append(c, label);
      b.addEventListener('click', () => {
        if (entry.name === config?.dataset?.name) return;
        if (entry.name === 'custom' && !hadCustom) {
          // No custom points in this session yet: they are made by clicking or uploading.
          /** @type {HTMLDetailsElement} */ ($('.pp-custom-wrap')).open = true;
          $('.pp-custom-canvas')?.focus();
          return;
        }
        setDataset({ name: entry.name });
      });
      datasetsEl.append(b);
    }
    renderLocks();
  }

  function renderFeatures() {
    featuresEl.replaceChildren();
    const on = new Set(config?.features ?? ['x1', 'x2']);
    for (const f of FEATURES) {
      if (!offered.has(f.key)) continue;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'pp-feature';
      b.dataset.testid = `feature-${f.key}`;
      b.setAttribute('aria-pressed', String(on.has(f.key)));
      const c = document.createElement('canvas');
      c.className = 'pp-feature-map';
      paintFeature(c, f.fn, domain);
      const label = document.createElement('span');
      label.className = 'pp-feature-name';
      label.innerHTML = f.html;
      b.append(c, label);
      b.addEventListener('click', () => toggleFeature(f.key));
      featuresEl.append(b);
    }
    renderLocks();
  }

  /** @param {string} key */
  function toggleFeature(key) {
    const current = /** @type {string[]} */ (config?.features ?? ['x1', 'x2']);
    const on = current.includes(key);
    if (on && current.length === 1) {
      localError = t('data.features.last');
      renderError();
      return;
    }
    const order = FEATURES.map((f) => f.key);
    const next = on ? current.filter((k) => k !== key) : [...current, key];
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    configure({ features: next });
  }

  /** @param {HTMLInputElement} input @param {number} value */
  function setRange(input, value) {
    if (document.activeElement === input && input.dataset.dragging === 'true') return;
    input.value = String(value);
  }

  function renderOutputs() {
    const d = config?.dataset ?? {};
    const tf = Number(train.value);
    const vf = Number(validation.value);
    $('[data-out="noise"]').textContent = formatNumber(Number(noise.value), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    $('[data-out="train"]').textContent = formatPercent(tf, 0);
    $('[data-out="validation"]').textContent = formatPercent(vf, 0);
    const te = Math.max(0, 1 - tf - vf);
    $('.pp-split-test').textContent = t('data.test', { pct: formatPercent(te, 0) });
    const bar = $('.pp-split-bar');
    bar.style.setProperty('--tr', String(tf));
    bar.style.setProperty('--va', String(vf));
    bar.style.setProperty('--te', String(te));
    classesField.hidden = !hasClassChoice(entries.find((e) => e.name === d.name));
    // Custom points and the four students are fixed: only their split applies.
    renderLocks();
  }

  /**
   * Disables the controls a teacher locked (rooms/locks.js), and the generator's settings that
   * given data (custom points, the four students) does not have.
   */
  function renderLocks() {
    const fixed = FIXED.has(config?.dataset?.name);
    const dataset = locked.has('dataset');
    for (const b of datasetsEl.children) lockControl(b, dataset);
    for (const el of [classesSel, train, validation]) lockControl(el, dataset);
    for (const el of [noise, pointsSel, regen]) lockControl(el, dataset, fixed);
    const features = locked.has('features');
    for (const b of featuresEl.children) lockControl(b, features);
    lockControl(standardize, features);
    editor.setLocked(locked.has('data_edit'));
  }

  function syncInputs() {
    const d = config?.dataset;
    if (!d) return;
    setRange(noise, Number(d.noise) || 0);
    setRange(train, Number(d.train_fraction) || 0.5);
    setRange(validation, Number(d.validation_fraction) || 0);
    classesSel.value = String(d.classes ?? 2);
    renderPoints();
    renderOutputs();
  }

  /** @param {any} limits */
  function renderPoints(limits = ctx.store?.state?.hello?.limits) {
    const max = Number(limits?.max_points ?? limits?.points) || Infinity;
    // Given data (custom points, the four students) has the size it has.
    const given = FIXED.has(config?.dataset?.name) && data
      ? ['train', 'validation', 'test'].reduce((sum, part) => sum + (data[part]?.x1?.length ?? 0), 0)
      : 0;
    const current = given || Number(config?.dataset?.points) || 500;
    const values = [...new Set([...POINT_CHOICES.filter((v) => v <= max), current])].sort((a, b) => a - b);
    pointsSel.replaceChildren(...values.map((v) => new Option(String(v), String(v))));
    pointsSel.value = String(current);
  }

  function renderSummary() {
    const el = $('[data-testid="data-summary"]');
    if (!data) { el.textContent = ''; return; }
    const count = (/** @type {string} */ part) => data[part]?.x1?.length ?? 0;
    const task = data.task === 'multiclass'
      ? `${data.classes} ${t('data.classes').toLowerCase()}`
      : t(`data.task.${data.task}`);
    el.textContent = t('data.summary', {
      task, train: count('train'), validation: count('validation'), test: count('test'),
    });
  }

  function renderError() {
    const server = shownError;
    const msg = localError ?? (server ? errorText(t, server) : null);
    errorEl.hidden = !msg;
    errorEl.textContent = msg ?? '';
  }

  function relabel() {
    // The buttons that carry a tooltip have text of their own: it stays their accessible name.
    applyLabels(container, t, () => false);
    datasetsEl.setAttribute('aria-label', t('data.dataset'));
    featuresEl.setAttribute('aria-label', t('data.features'));
    renderDatasets();
    renderOutputs();
    renderSummary();
    editor.relabel();
  }

  for (const input of [noise, train, validation]) {
    input.addEventListener('pointerdown', () => { input.dataset.dragging = 'true'; });
    input.addEventListener('input', () => {
      if (input === train && Number(train.value) + Number(validation.value) > 0.95) {
        validation.value = String(Math.max(0, 0.95 - Number(train.value)).toFixed(2));
      }
      if (input === validation && Number(train.value) + Number(validation.value) > 0.95) {
        train.value = String(Math.max(0.1, 0.95 - Number(validation.value)).toFixed(2));
      }
      renderOutputs();
    });
    input.addEventListener('change', () => {
      input.dataset.dragging = 'false';
      setDataset({
        noise: Number(noise.value),
        train_fraction: Number(train.value),
        validation_fraction: Number(validation.value),
      });
    });
  }
  classesSel.addEventListener('change', () => setDataset({ classes: Number(classesSel.value) }));
  pointsSel.addEventListener('change', () => setDataset({ points: Number(pointsSel.value) }));
  regen.addEventListener('click', () => {
    setDataset({ seed: ((Number(config?.dataset?.seed) || 0) + 1) % 2147483647 });
  });

  renderFeatures();
  relabel();

  return {
    update(state, changed) {
      if (changed.has('catalog') && state.catalog) {
        entries = datasetEntries(state.catalog);
        renderDatasets();
        const names = (state.catalog.features ?? []).map((/** @type {any} */ f) => (typeof f === 'string' ? f : f?.name));
        if (names.length > 0) {
          offered = new Set(names);
          renderFeatures();
        }
      }
      if (changed.has('hello')) {
        hadCustom = state.config?.dataset?.name === 'custom';
        const limits = state.hello?.limits;
        editor.setLimits(limits);
        renderPoints(limits);
        if (typeof limits?.max_noise === 'number') noise.max = String(limits.max_noise);
      }
      if (changed.has('config') && state.config) {
        const prev = config;
        config = state.config;
        if (config.dataset?.name === 'custom') hadCustom = true;
        const ds = config.dataset ?? {};
        editor.setSource({
          name: ds.name ?? 'custom', label: t(`dataset.${ds.name}`),
          train: Number(ds.train_fraction ?? 0.5), validation: Number(ds.validation_fraction ?? 0),
        });
        const nameChanged = prev?.dataset?.name !== config.dataset?.name
          || prev?.dataset?.classes !== config.dataset?.classes;
        if (nameChanged) renderDatasets();
        else {
          for (const b of datasetsEl.querySelectorAll('.pp-dataset')) {
            b.setAttribute('aria-pressed', String(/** @type {HTMLElement} */ (b).dataset.name === config.dataset?.name));
          }
        }
        standardize.checked = Boolean(config.standardize);
        const on = new Set(config.features ?? []);
        for (const b of featuresEl.querySelectorAll('.pp-feature')) {
          const key = /** @type {HTMLElement} */ (b).dataset.testid?.slice('feature-'.length) ?? '';
          b.setAttribute('aria-pressed', String(on.has(key)));
        }
        syncInputs();
      }
      if (changed.has('data') && state.data) {
        const d = state.data.domain;
        if (Array.isArray(d) && d.length === 4 && d.some((v, i) => v !== domain[i])) {
          domain = d.slice();
          renderFeatures();
        }
        data = state.data;
        editor.setData(data);
        renderSummary();
        renderPoints();
      }
      if (changed.has('errors')) {
        const errors = Array.isArray(state.errors) ? state.errors : [];
        for (const e of errors) {
          if (!e || typeof e !== 'object' || seenErrors.has(e)) continue;
          seenErrors.add(e);
          if (isDataField(e.field)) {
            shownError = e;
            localError = null;
          }
        }
        renderError();
      } else if ((shownError || localError) && (changed.has('config') || changed.has('data'))) {
        // An accepted change supersedes this panel's earlier error, its own or the server's.
        shownError = null;
        localError = null;
        renderError();
      }
      if (changed.has('locked')) {
        locked = lockedIn(state);
        renderLocks();
      }
      if (changed.has('lang')) relabel();
    },
  };
}

/** Error fields this panel's controls answer for. */
const DATA_FIELDS = ['csv', 'points', 'config.dataset', 'config.features'];

/** @param {unknown} field */
function isDataField(field) {
  return typeof field === 'string' && DATA_FIELDS.some((prefix) => field.startsWith(prefix));
}
