// @ts-check
/**
 * The custom-data editor: a small canvas of the input plane where a click adds a point of the
 * chosen class (`add_points`), and a CSV upload. Part of the data panel.
 */
import { CLASS_COLORS, pointColor } from './colors.js';
import { kindOf, readCsv } from './csv.js';
import { fitCanvas } from '../dom.js';
import { formatPercent } from '../i18n.js';
import { lockControl } from '../rooms/locks.js';

/** Bad CSV rows listed at most. */
const BAD_ROWS_SHOWN = 10;

/** The upload limit until the server's `hello.limits` says its own (bytes). */
const DEFAULT_MAX_BYTES = 1_000_000;

/**
 * @param {HTMLElement} root  element the editor fills
 * @param {{ send: (m: import('../types/protocol').Outgoing) => unknown, t: (k: string, p?: Record<string, unknown>) => string,
 *           onLocalError: (msg: string | null) => void }} deps
 */
export function createCustomEditor(root, deps) {
  root.classList.add('pp-custom');
  root.innerHTML = `
    <label class="pp-field pp-kind"><span data-label="data.custom.kind"></span>
      <select data-testid="custom-task"></select>
    </label>
    <div class="pp-custom-head">
      <span class="pp-label pp-class-label" data-label="data.custom.class"></span>
      <div class="pp-classes" role="radiogroup"></div>
      <label class="pp-value" hidden><span data-label="data.custom.value"></span>
        <input type="number" step="0.1" value="1" data-testid="custom-value"></label>
    </div>
    <p class="pp-hint pp-custom-source" data-testid="custom-source" hidden></p>
    <canvas class="pp-custom-canvas" data-testid="custom-canvas" tabindex="0"></canvas>
    <div class="pp-custom-ask" data-testid="custom-confirm" role="group" hidden>
      <p class="pp-custom-ask-text"></p>
      <div class="pp-custom-actions">
        <button type="button" class="pp-btn" data-testid="custom-copy"></button>
        <button type="button" class="pp-btn" data-testid="custom-fresh"></button>
      </div>
    </div>
    <p class="pp-hint pp-custom-status" aria-live="polite"></p>
    <p class="pp-hint pp-custom-split" data-testid="custom-split"></p>
    <div class="pp-custom-actions">
      <button type="button" class="pp-btn" data-testid="custom-clear" data-label="data.custom.clear"></button>
      <label class="pp-btn pp-file">
        <span data-label="data.csv.upload"></span>
        <input type="file" accept=".csv,text/csv,text/plain" data-testid="csv-upload">
      </label>
    </div>
    <div class="pp-csv-bad" data-testid="csv-bad" role="alert" hidden>
      <p class="pp-csv-bad-title"></p>
      <ul class="pp-csv-bad-list"></ul>
      <button type="button" class="pp-btn" data-testid="csv-skip-bad"></button>
    </div>
    <p class="pp-hint pp-csv-help" data-label="data.csv.help"></p>
    <p class="pp-hint" data-label="data.csv.formats"></p>`;
  const classesEl = /** @type {HTMLElement} */ (root.querySelector('.pp-classes'));
  const valueLabel = /** @type {HTMLElement} */ (root.querySelector('.pp-value'));
  const valueInput = /** @type {HTMLInputElement} */ (root.querySelector('[data-testid="custom-value"]'));
  const canvas = /** @type {HTMLCanvasElement} */ (root.querySelector('canvas'));
  const clearBtn = /** @type {HTMLButtonElement} */ (root.querySelector('[data-testid="custom-clear"]'));
  const fileInput = /** @type {HTMLInputElement} */ (root.querySelector('[data-testid="csv-upload"]'));
  const kindSel = /** @type {HTMLSelectElement} */ (root.querySelector('[data-testid="custom-task"]'));
  const status = /** @type {HTMLElement} */ (root.querySelector('.pp-custom-status'));
  const sourceEl = /** @type {HTMLElement} */ (root.querySelector('[data-testid="custom-source"]'));
  const splitEl = /** @type {HTMLElement} */ (root.querySelector('[data-testid="custom-split"]'));
  const ask = /** @type {HTMLElement} */ (root.querySelector('[data-testid="custom-confirm"]'));
  const badBox = /** @type {HTMLElement} */ (root.querySelector('[data-testid="csv-bad"]'));
  const skipBtn = /** @type {HTMLButtonElement} */ (root.querySelector('[data-testid="csv-skip-bad"]'));

  let chosen = 0;
  /** Whether a teacher locked editing the data. */
  let locked = false;
  let classes = 2;
  let regression = false;
  /** @type {any} */ let data = null;
  let maxBytes = DEFAULT_MAX_BYTES;
  /** Cleared locally: clicks collect new points, sent (replacing the data) once there are enough. */
  let cleared = false;
  /** @type {Array<[number, number, number]>} */ let fresh = [];
  let minPoints = 4;
  /** The most classes a dataset may have (`hello.limits.max_classes`; null before it). */
  /** @type {number | null} */ let maxClasses = null;
  /** The dataset the points come from (a generated one is copied, never changed) and its split. */
  let source = { name: 'custom', label: '', train: 0.5, validation: 0.2 };
  /** A point drawn on a generated dataset, waiting for the user's answer (copy or start empty). */
  /** @type {[number, number] | null} */ let asked = null;
  /** The last CSV read in the page: its readable points and kind, while bad rows are shown. */
  /** @type {{points: number[][], kind: any, file: string, bad: {line: number, reason: string, params: Record<string, any>}[]} | null} */
  let csvRead = null;
  /** Keyboard cross position as fractions of the plane, from the left and from the top. */
  const cross = { u: 0.5, v: 0.5 };

  /** The `task` and `classes` fields of add_points for the chosen kind of data. */
  /** @returns {import('./csv.js').Kind} */
  function taskFields() {
    if (regression) return { task: 'regression' };
    return classes === 2 ? { task: 'binary', classes: 2 } : { task: 'multiclass', classes };
  }

  function renderKinds() {
    // 2 to max_classes classes (the catalog's limits; none before they arrive), or values.
    const counts = Array.from({ length: Math.max(0, (maxClasses ?? 1) - 1) }, (_, i) => i + 2);
    const options = counts.map((k) => new Option(deps.t('data.custom.classesN', { k }), String(k)));
    options.push(new Option(deps.t('data.task.regression'), 'regression'));
    kindSel.replaceChildren(...options);
    kindSel.value = regression ? 'regression' : String(classes);
    renderStatus();
  }

  function renderStatus() {
    canvas.setAttribute('aria-label', deps.t('data.custom.canvas'));
    status.textContent = cleared
      ? deps.t('data.custom.fresh', { n: fresh.length, min: minPoints })
      : deps.t(regression ? 'data.custom.hintValue' : 'data.custom.hint');
    const generated = source.name !== 'custom' && !cleared;
    sourceEl.hidden = !generated;
    sourceEl.textContent = generated ? deps.t('data.custom.generated', { name: source.label }) : '';
    const pct = (/** @type {number} */ f) => Math.round(f * 100);
    splitEl.textContent = deps.t('data.custom.split', {
      train: formatPercent(pct(source.train) / 100, 0), validation: formatPercent(pct(source.validation) / 100, 0),
      test: formatPercent(Math.max(0, 100 - pct(source.train) - pct(source.validation)) / 100, 0),
    });
    /** @type {HTMLElement} */ (ask.querySelector('.pp-custom-ask-text')).textContent = deps.t('data.custom.ask', { name: source.label });
    /** @type {HTMLElement} */ (ask.querySelector('[data-testid="custom-copy"]')).textContent = deps.t('data.custom.copy', { name: source.label });
    /** @type {HTMLElement} */ (ask.querySelector('[data-testid="custom-fresh"]')).textContent = deps.t('data.custom.fromScratch');
    renderBad();
  }

  /** The CSV rows that could not be read: the first ten, and a button to skip them all. */
  function renderBad() {
    badBox.hidden = !csvRead;
    if (!csvRead) return;
    const { bad, points, file } = csvRead;
    /** @type {HTMLElement} */ (badBox.querySelector('.pp-csv-bad-title')).textContent = deps.t(bad.length === 1 ? 'data.csv.badOne' : 'data.csv.bad', { n: bad.length, file });
    const list = /** @type {HTMLElement} */ (badBox.querySelector('.pp-csv-bad-list'));
    const items = bad.slice(0, BAD_ROWS_SHOWN).map(({ line, reason, params }) => {
      const li = document.createElement('li');
      li.textContent = deps.t('data.csv.badRow', { line, reason: deps.t(`data.csv.reason.${reason}`, params) });
      return li;
    });
    if (bad.length > BAD_ROWS_SHOWN) {
      const li = document.createElement('li');
      li.textContent = deps.t('data.csv.more', { n: bad.length - BAD_ROWS_SHOWN });
      items.push(li);
    }
    list.replaceChildren(...items);
    skipBtn.hidden = points.length < minPoints;
    skipBtn.textContent = deps.t('data.csv.skip', { n: bad.length, m: points.length });
  }

  function renderClasses() {
    classesEl.replaceChildren();
    classesEl.hidden = regression;
    /** @type {HTMLElement} */ (root.querySelector('.pp-class-label')).hidden = regression;
    valueLabel.hidden = !regression;
    if (regression) return;
    if (chosen >= classes) chosen = 0;
    for (let k = 0; k < classes; k++) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'pp-swatch';
      b.dataset.testid = `custom-class-${k}`;
      b.setAttribute('role', 'radio');
      b.setAttribute('aria-checked', String(k === chosen));
      b.setAttribute('aria-label', deps.t('data.custom.classN', { k }));
      b.style.setProperty('--swatch', CLASS_COLORS[k % CLASS_COLORS.length]);
      b.textContent = String(k);
      b.addEventListener('click', () => {
        chosen = k;
        renderClasses();
      });
      classesEl.append(b);
    }
    renderLocks();
  }

  /** Disables every editing control while a teacher locks editing the data (rooms/locks.js). */
  function renderLocks() {
    const controls = [kindSel, valueInput, clearBtn, fileInput, canvas, skipBtn, ...ask.querySelectorAll('button'), ...classesEl.children];
    for (const el of controls) lockControl(el, locked);
  }

  function domain() {
    const d = data?.domain;
    return Array.isArray(d) && d.length === 4 ? d : [-6, 6, -6, 6];
  }

  function draw() {
    /** @type {Record<string, {x1: number[], x2: number[], label: number[]}>} */
    const parts = {};
    if (cleared) {
      parts.train = { x1: fresh.map((p) => p[0]), x2: fresh.map((p) => p[1]), label: fresh.map((p) => p[2]) };
    } else if (data) {
      for (const part of ['train', 'validation', 'test']) if (data[part]) parts[part] = data[part];
    }
    drawCanvas(canvas, { domain: domain(), parts, regression, cross: document.activeElement === canvas ? cross : null });
  }

  /**
   * Adds a point at (x, y) in data coordinates, of the chosen class or target.
   * @param {number} x
   * @param {number} y
   */
  function addPoint(x, y) {
    const label = regression ? Number(valueInput.value) || 0 : chosen;
    /** @type {[number, number, number]} */
    const point = [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000, label];
    if (cleared) {
      // The server needs a few points to make a data set: collect them here first.
      fresh.push(point);
      renderStatus();
      draw();
      if (fresh.length < minPoints) return;
      deps.send({ type: 'add_points', points: fresh, replace: true, ...taskFields() });
      deps.onLocalError(null);
      return;
    }
    if (source.name !== 'custom' && !asked) {
      // Drawing on a generated dataset: ask first (add to a copy of it, or start empty).
      asked = [x, y];
      ask.hidden = false;
      /** @type {HTMLElement} */ (ask.querySelector('[data-testid="custom-copy"]')).focus();
      return;
    }
    deps.send({ type: 'add_points', points: [point], replace: false });
    deps.onLocalError(null);
  }

  /** The answer to "draw on a generated dataset": a copy with the point, or empty data. */
  function answer(/** @type {'copy' | 'fresh'} */ choice) {
    const point = asked;
    ask.hidden = true;
    if (!point) return;
    if (choice === 'fresh') {
      asked = null;
      cleared = true;
      fresh = [];
      renderKinds();
    } else {
      source = { ...source, name: 'custom' };
    }
    addPoint(point[0], point[1]);
    asked = null;
    renderStatus();
    draw();
  }
  /** @type {HTMLElement} */ (ask.querySelector('[data-testid="custom-copy"]')).addEventListener('click', () => answer('copy'));
  /** @type {HTMLElement} */ (ask.querySelector('[data-testid="custom-fresh"]')).addEventListener('click', () => answer('fresh'));
  skipBtn.addEventListener('click', () => {
    if (!csvRead) return;
    const { points, kind } = csvRead;
    csvRead = null;
    renderBad();
    deps.send({ type: 'add_points', points, replace: true, ...kind });
    deps.onLocalError(null);
  });

  canvas.addEventListener('click', (ev) => {
    const rect = canvas.getBoundingClientRect();
    const [x0, x1, y0, y1] = domain();
    addPoint(x0 + ((ev.clientX - rect.left) / rect.width) * (x1 - x0),
      y1 - ((ev.clientY - rect.top) / rect.height) * (y1 - y0));
  });

  // Keyboard: arrows move a cross (a twentieth of the plane per press), Enter or Space adds.
  canvas.addEventListener('keydown', (ev) => {
    const step = 0.05;
    const moves = /** @type {Record<string, [number, number]>} */ ({
      ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step],
    });
    if (ev.key in moves) {
      cross.u = Math.min(1, Math.max(0, cross.u + moves[ev.key][0]));
      cross.v = Math.min(1, Math.max(0, cross.v + moves[ev.key][1]));
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      const [x0, x1, y0, y1] = domain();
      addPoint(x0 + cross.u * (x1 - x0), y1 - cross.v * (y1 - y0));
    } else {
      return;
    }
    // Handled here: the page's own shortcuts (space plays, arrows step) skip prevented keys.
    ev.preventDefault();
    draw();
  });
  canvas.addEventListener('focus', () => draw());
  canvas.addEventListener('blur', () => draw());

  new ResizeObserver(() => draw()).observe(canvas);

  clearBtn.addEventListener('click', () => {
    cleared = true;
    fresh = [];
    renderKinds();
    draw();
  });

  kindSel.addEventListener('change', () => {
    regression = kindSel.value === 'regression';
    classes = regression ? 1 : Number(kindSel.value);
    cleared = true;
    fresh = [];
    renderKinds();
    renderClasses();
    draw();
  });

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    if (file.size > maxBytes) {
      deps.onLocalError(deps.t('data.csv.tooLarge', {
        size: Math.ceil(file.size / 1024), limit: Math.floor(maxBytes / 1024),
      }));
      return;
    }
    const text = await file.text();
    if (!text.trim()) {
      deps.onLocalError(deps.t('data.csv.empty'));
      return;
    }
    // A kind picked by hand wins; otherwise the labels say what the data is.
    const read = readCsv(text);
    const kind = (cleared ? null : kindOf(read.points, maxClasses)) ?? taskFields();
    if (read.bad.length) {
      // Listed, not sent: the user may skip the bad rows and load the others.
      csvRead = { points: read.points, kind, file: file.name, bad: read.bad };
      renderBad();
      deps.onLocalError(deps.t(read.bad.length === 1 ? 'data.csv.badShortOne' : 'data.csv.badShort', { n: read.bad.length, file: file.name }));
      return;
    }
    csvRead = null;
    renderBad();
    deps.send({ type: 'add_points', csv: text, replace: true, ...kind });
    deps.onLocalError(null);
  });

  renderKinds();
  renderClasses();

  return {
    /** @param {any} newData the `data` message */
    setData(newData) {
      data = newData;
      regression = data?.task === 'regression';
      classes = regression ? 1 : Math.max(2, Math.min(maxClasses ?? Infinity, Number(data?.classes) || 2));
      cleared = false;
      fresh = [];
      csvRead = null;
      renderKinds();
      renderClasses();
      draw();
    },
    /**
     * The dataset in use (a generated one is copied before drawing on it) and its split.
     * @param {{name: string, label: string, train: number, validation: number}} next
     */
    setSource(next) {
      source = next;
      if (next.name === 'custom') ask.hidden = true;
      renderStatus();
    },
    /** @param {import('../types/protocol').Limits | undefined} limits */
    setLimits(limits) {
      if (!limits) return;
      // The CSV travels inside a JSON message: leave room for the envelope and escapes.
      maxBytes = Math.floor(limits.max_message_bytes * 0.95);
      minPoints = limits.min_points;
      maxClasses = limits.max_classes;
      renderKinds();
    },
    relabel() {
      renderKinds();
      renderClasses();
    },
    /** Locks or unlocks every editing control (a teacher's `data_edit` lock). */
    setLocked(/** @type {boolean} */ on) {
      if (on === locked) return;
      locked = on;
      renderLocks();
    },
    draw,
  };
}

/**
 * The editor's canvas: the axes through 0, the points (the training ones lighter outlined),
 * and the keyboard's cross when the canvas has the focus.
 * @param {HTMLCanvasElement} canvas
 * @param {{domain: number[], parts: Record<string, {x1: number[], x2: number[], label: number[]}>,
 *   regression: boolean, cross: {u: number, v: number} | null}} what
 */
function drawCanvas(canvas, { domain, parts, regression, cross }) {
  const { w: size, dpr } = fitCanvas(canvas);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, size, size);
  g.fillStyle = '#fafafa';
  g.fillRect(0, 0, size, size);
  const [x0, x1, y0, y1] = domain;
  const px = (/** @type {number} */ x) => ((x - x0) / (x1 - x0)) * size;
  const py = (/** @type {number} */ y) => ((y1 - y) / (y1 - y0)) * size;
  g.strokeStyle = '#d0d0d0';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(px(0), 0);
  g.lineTo(px(0), size);
  g.moveTo(0, py(0));
  g.lineTo(size, py(0));
  g.stroke();
  let scale = 0;
  if (regression) {
    for (const p of Object.values(parts)) for (const v of p.label) scale = Math.max(scale, Math.abs(v));
  }
  let m = 0;
  for (const p of Object.values(parts)) m += p.x1.length;
  const r = Math.max(2, size / (m < 60 ? 45 : 90));
  for (const part of ['train', 'validation', 'test']) {
    const p = parts[part];
    if (!p) continue;
    for (let i = 0; i < p.x1.length; i++) {
      g.beginPath();
      g.arc(px(p.x1[i]), py(p.x2[i]), r, 0, 2 * Math.PI);
      g.fillStyle = pointColor(p.label[i], regression, scale);
      g.fill();
      g.strokeStyle = part === 'train' ? 'rgba(0,0,0,0.55)' : '#000';
      g.lineWidth = part === 'train' ? 0.6 : 1.1;
      g.stroke();
    }
  }
  if (cross) {
    const cx = cross.u * size;
    const cy = cross.v * size;
    g.strokeStyle = '#1f2328';
    g.lineWidth = 1.5;
    g.beginPath();
    g.moveTo(cx - 7, cy); g.lineTo(cx + 7, cy);
    g.moveTo(cx, cy - 7); g.lineTo(cx, cy + 7);
    g.stroke();
  }
}
