// @ts-check
/**
 * The custom-data editor: a small canvas of the input plane where a click adds a point of the
 * chosen class (`add_points`), and a CSV upload. Part of the data panel.
 */
import { CLASS_COLORS, pointColor } from './colors.js';
import { fitCanvas } from './dom.js';

/** Default upload limit when the server's `hello.limits` names none (bytes). */
const DEFAULT_MAX_BYTES = 1_000_000;

/**
 * The upload size limit from `hello.limits`, whatever the server calls it.
 * @param {Record<string, unknown> | undefined} limits
 * @returns {number}
 */
function uploadLimit(limits) {
  if (!limits) return DEFAULT_MAX_BYTES;
  for (const key of ['csv_bytes', 'max_csv_bytes', 'message_bytes', 'max_message_bytes']) {
    const v = limits[key];
    if (typeof v === 'number' && v > 0) return v;
  }
  return DEFAULT_MAX_BYTES;
}

/**
 * The kind of data a CSV's labels suggest: integers 0..k-1 (k ≤ 6) are k classes, anything
 * else is regression. Null when no label can be read (the server then names the bad line).
 * @param {string} text  CSV "x1,x2,label" (header, blank and # lines allowed)
 * @returns {{task: string, classes?: number} | null}
 */
function inferKind(text) {
  let integers = true;
  let max = -Infinity;
  let seen = 0;
  for (const line of text.split(/\r?\n/)) {
    const cells = line.trim().split(/[,;\t]/);
    if (cells.length !== 3 || line.trim().startsWith('#')) continue;
    const y = Number(cells[2]);
    if (cells[2].trim() === '' || !Number.isFinite(y)) continue;
    seen += 1;
    if (!Number.isInteger(y) || y < 0) integers = false;
    max = Math.max(max, y);
  }
  if (seen === 0) return null;
  if (!integers || max > 5) return { task: 'regression' };
  const k = Math.max(2, max + 1);
  return k === 2 ? { task: 'binary', classes: 2 } : { task: 'multiclass', classes: k };
}

/**
 * @param {HTMLElement} root  element the editor fills
 * @param {{ send: (m: object) => unknown, t: (k: string, p?: Record<string, unknown>) => string,
 *           onLocalError: (msg: string | null, ids?: unknown[]) => void }} deps
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
    <canvas class="pp-custom-canvas" data-testid="custom-canvas" tabindex="0"></canvas>
    <p class="pp-hint pp-custom-status" aria-live="polite"></p>
    <div class="pp-custom-actions">
      <button type="button" class="pp-btn" data-testid="custom-clear" data-label="data.custom.clear"></button>
      <label class="pp-btn pp-file">
        <span data-label="data.csv.upload"></span>
        <input type="file" accept=".csv,text/csv,text/plain" data-testid="csv-upload">
      </label>
    </div>
    <p class="pp-hint pp-csv-help" data-label="data.csv.help"></p>`;
  const classesEl = /** @type {HTMLElement} */ (root.querySelector('.pp-classes'));
  const valueLabel = /** @type {HTMLElement} */ (root.querySelector('.pp-value'));
  const valueInput = /** @type {HTMLInputElement} */ (root.querySelector('[data-testid="custom-value"]'));
  const canvas = /** @type {HTMLCanvasElement} */ (root.querySelector('canvas'));
  const clearBtn = /** @type {HTMLButtonElement} */ (root.querySelector('[data-testid="custom-clear"]'));
  const fileInput = /** @type {HTMLInputElement} */ (root.querySelector('[data-testid="csv-upload"]'));
  const kindSel = /** @type {HTMLSelectElement} */ (root.querySelector('[data-testid="custom-task"]'));
  const status = /** @type {HTMLElement} */ (root.querySelector('.pp-custom-status'));

  let chosen = 0;
  let classes = 2;
  let regression = false;
  /** @type {any} */ let data = null;
  let maxBytes = DEFAULT_MAX_BYTES;
  /** Cleared locally: clicks collect new points, sent (replacing the data) once there are enough. */
  let cleared = false;
  /** @type {number[][]} */ let fresh = [];
  let minPoints = 4;
  /** Keyboard cross position as fractions of the plane, from the left and from the top. */
  const cross = { u: 0.5, v: 0.5 };

  /** The `task` and `classes` fields of add_points for the chosen kind of data. */
  function taskFields() {
    if (regression) return { task: 'regression' };
    return classes === 2 ? { task: 'binary', classes: 2 } : { task: 'multiclass', classes };
  }

  function renderKinds() {
    const options = [2, 3, 4, 5, 6].map((k) => new Option(deps.t('data.custom.classesN', { k }), String(k)));
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
  }

  function domain() {
    const d = data?.domain;
    return Array.isArray(d) && d.length === 4 ? d : [-6, 6, -6, 6];
  }

  function draw() {
    const { w: size, dpr } = fitCanvas(canvas);
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, size, size);
    g.fillStyle = '#fafafa';
    g.fillRect(0, 0, size, size);
    const [x0, x1, y0, y1] = domain();
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
    /** @type {Record<string, {x1: number[], x2: number[], label: number[]}>} */
    const parts = {};
    if (cleared) {
      parts.train = { x1: fresh.map((p) => p[0]), x2: fresh.map((p) => p[1]), label: fresh.map((p) => p[2]) };
    } else if (data) {
      for (const part of ['train', 'validation', 'test']) if (data[part]) parts[part] = data[part];
    }
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
    if (document.activeElement === canvas) {
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

  /** Adds a point at (x, y) in data coordinates, of the chosen class or target. @param {number} x @param {number} y */
  function addPoint(x, y) {
    const label = regression ? Number(valueInput.value) || 0 : chosen;
    const point = [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000, label];
    if (cleared) {
      // The server needs a few points to make a data set: collect them here first.
      fresh.push(point);
      renderStatus();
      draw();
      if (fresh.length < minPoints) return;
      const id = deps.send({ type: 'add_points', points: fresh, replace: true, ...taskFields() });
      deps.onLocalError(null, [id]);
      return;
    }
    const id = deps.send({ type: 'add_points', points: [point], replace: false });
    deps.onLocalError(null, [id]);
  }

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
    const kind = (cleared ? null : inferKind(text)) ?? taskFields();
    const id = deps.send({ type: 'add_points', csv: text, replace: true, ...kind });
    deps.onLocalError(null, [id]);
  });

  renderKinds();
  renderClasses();

  return {
    /** @param {any} newData the `data` message */
    setData(newData) {
      data = newData;
      regression = data?.task === 'regression';
      classes = regression ? 1 : Math.max(2, Math.min(6, Number(data?.classes) || 2));
      cleared = false;
      fresh = [];
      renderKinds();
      renderClasses();
      draw();
    },
    /** @param {Record<string, unknown> | undefined} limits */
    setLimits(limits) {
      // The CSV travels inside a JSON message: leave room for the envelope and escapes.
      maxBytes = Math.floor(uploadLimit(limits) * 0.95);
      const min = Number(limits?.min_points);
      if (Number.isInteger(min) && min > 0) minPoints = min;
    },
    relabel() {
      renderKinds();
      renderClasses();
    },
    draw,
  };
}
