// @ts-check
/**
 * The gallery of student cards: name, decision-boundary thumbnail, metrics and the coach's
 * advice, sorted and filtered by the teacher. Cards are built once per student and updated in
 * place each `room_gallery` tick (about once a second), so focus and hover survive. Student
 * names are user text: they only ever go through `textContent` and attributes.
 */
import { h } from '../dom.js';
import { formatLoss, formatNumber, formatPercent } from '../i18n.js';
import { CLASS_COLORS, divergingLut } from '../palette.js';
import { studentView } from './studentView.js';

/** The thumbnail's side, in cells (docs/protocol.md, StudentCard.thumb). */
export const THUMB = 32;
/** As light as the main page's boundary, so the shapes read the same on the projector. */
const HEAT_STRENGTH = 0.62;
const LUT = divergingLut(HEAT_STRENGTH);

/** Sort keys → how two cards compare (missing values last). */
const SORTS = /** @type {Record<string, (a: any, b: any) => number>} */ ({
  name: (a, b) => String(a.name).localeCompare(String(b.name)),
  val_loss: (a, b) => missingLast(a.val_loss ?? a.test_loss, b.val_loss ?? b.test_loss, 1),
  accuracy: (a, b) => missingLast(a.val_accuracy ?? a.test_accuracy, b.val_accuracy ?? b.test_accuracy, -1),
  params: (a, b) => missingLast(a.params, b.params, 1),
  epoch: (a, b) => missingLast(a.epoch, b.epoch, -1),
});
export const SORT_KEYS = Object.keys(SORTS);

/** @param {any} x @param {any} y @param {number} sign  1 ascending, -1 descending */
function missingLast(x, y, sign) {
  const fx = typeof x === 'number' && Number.isFinite(x);
  const fy = typeof y === 'number' && Number.isFinite(y);
  if (fx && fy) return sign * (x - y);
  return fx ? -1 : fy ? 1 : 0;
}

/**
 * The ids of `cards` in display order.
 * @param {any[]} cards
 * @param {string} key
 */
export function sortCards(cards, key) {
  const by = SORTS[key] ?? SORTS.name;
  return [...cards].sort((a, b) => by(a, b) || String(a.name).localeCompare(String(b.name)) || String(a.id).localeCompare(String(b.id)));
}

/**
 * What the teacher's views (cards and mosaic) show of `cards`, in order: the sort, the name
 * filter, the teacher-hidden students only with `showHidden`, and `pick` (the class summary's
 * bar or count, if one is chosen).
 * @param {any[]} cards
 * @param {{sort: string, filter: string, showHidden: boolean, pick: ((card: any) => boolean) | null}} options
 */
export function visibleCards(cards, options) {
  const needle = options.filter.trim().toLocaleLowerCase();
  return sortCards(cards, options.sort).filter((card) => (options.showHidden || !card.hidden)
    && (!needle || String(card.name).toLocaleLowerCase().includes(needle))
    && (!options.pick || options.pick(card)));
}

/**
 * Paints a 32×32 thumbnail (base64, one byte per cell, row-major, row 0 at the top as on the
 * canvas) into `canvas` with the
 * playground's palette: the diverging ramp for a binary output or a regression, the Okabe–Ito
 * class colors for several classes.
 * @param {HTMLCanvasElement} canvas
 * @param {string} base64
 * @param {string} task  "binary" | "multiclass" | "regression"
 */
export function paintThumb(canvas, base64, task) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes.length < THUMB * THUMB) return;
  canvas.width = THUMB;
  canvas.height = THUMB;
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const image = g.createImageData(THUMB, THUMB);
  const pixels = new Uint32Array(image.data.buffer);
  const classes = task === 'multiclass' ? classCount(bytes) : 0;
  const colors = classes ? CLASS_COLORS.map(rgbaPixel) : [];
  for (let row = 0; row < THUMB; row++) {
    const src = row * THUMB;
    for (let col = 0; col < THUMB; col++) {
      const v = bytes[src + col];
      pixels[row * THUMB + col] = classes
        ? colors[Math.round((v * (classes - 1)) / 255) % colors.length]
        : LUT[v];
    }
  }
  g.putImageData(image, 0, 0);
}

/**
 * How many classes a multiclass thumbnail encodes (class k is k·255/(K−1)): the smallest
 * non-zero level is one class step.
 * @param {Uint8Array} bytes
 */
function classCount(bytes) {
  let step = 255;
  for (const v of bytes) if (v > 0 && v < step) step = v;
  return Math.max(2, Math.round(255 / step) + 1);
}

/**
 * A CSS hex color as a little-endian ABGR pixel, lightened like the main heatmap.
 * @param {string} hex
 */
function rgbaPixel(hex) {
  const n = parseInt(hex.slice(1), 16);
  const mix = (/** @type {number} */ c) => Math.round(248 + (c - 248) * 0.8);
  return ((255 << 24) | (mix(n & 255) << 16) | (mix((n >> 8) & 255) << 8) | mix((n >> 16) & 255)) >>> 0;
}

/**
 * @param {HTMLElement} container  the gallery's list
 * @param {{
 *   t: (key: string, params?: Record<string, unknown>) => string,
 *   onSpotlight: (id: string) => void,
 *   onHide: (id: string, hidden: boolean) => void,
 *   onRemove: (id: string) => void,
 * }} deps
 */
export function mountGallery(container, deps) {
  const { t } = deps;
  /** @type {ReturnType<typeof studentView<{card: any, el: HTMLElement, parts: Record<string, HTMLElement>, thumb?: string}>>} */
  const students = studentView({ build, draw, arrange, active: true });
  const { entries: shown, options, state } = students;

  /** @param {string} id */
  function build(id) {
    const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'card-thumb', width: THUMB, height: THUMB }));
    const name = h('h3', { class: 'card-name' });
    const status = h('span', { class: 'card-status' });
    const main = h('button', { type: 'button', class: 'card-main', 'data-testid': `gallery-spotlight-${id}` }, [canvas, name, status]);
    const metrics = h('dl', { class: 'card-metrics' });
    const advice = h('ul', { class: 'card-advice' });
    const hide = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `gallery-hide-${id}` });
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': `gallery-remove-${id}` });
    const actions = h('div', { class: 'card-actions' }, [hide, remove]);
    const el = h('article', { class: 'card', 'data-testid': `gallery-student-${id}` }, [main, metrics, advice, actions]);
    // The whole card spotlights the student; its own buttons do their own thing.
    el.addEventListener('click', (event) => {
      if (/** @type {HTMLElement} */ (event.target).closest('.card-actions')) return;
      deps.onSpotlight(id);
    });
    hide.addEventListener('click', () => {
      const entry = shown.get(id);
      if (entry) deps.onHide(id, !entry.card.hidden);
    });
    remove.addEventListener('click', () => deps.onRemove(id));
    return { el, parts: { main, canvas, name, status, metrics, advice, hide, remove } };
  }

  /**
   * Writes one card's text and numbers.
   * @param {{card: any, el: HTMLElement, parts: Record<string, HTMLElement>}} entry
   */
  function fill(entry) {
    const { card, el, parts } = entry;
    const name = String(card.name ?? '');
    parts.name.textContent = name;
    el.dataset.name = name;
    el.dataset.valLoss = card.val_loss === null || card.val_loss === undefined ? '' : String(card.val_loss);
    el.dataset.epoch = String(card.epoch ?? 0);
    el.dataset.hidden = String(Boolean(card.hidden));
    el.dataset.status = String(card.status ?? '');
    el.classList.toggle('card-spotlit', state.spotlit === card.id);
    parts.main.setAttribute('aria-label', t('teach.card.spotlight', { name }));
    parts.canvas.setAttribute('aria-label', t('teach.card.thumb', { name }));
    parts.canvas.setAttribute('role', 'img');
    const status = card.hidden ? `${t(`teach.status.${card.status ?? 'paused'}`)} · ${t('teach.card.hidden')}` : t(`teach.status.${card.status ?? 'paused'}`);
    parts.status.textContent = status;
    parts.status.dataset.status = String(card.status ?? '');
    /** @type {Array<[string, string]>} */
    const rows = [
      ['teach.card.epoch', String(card.epoch ?? 0)],
      ['teach.card.valLoss', formatLoss(card.val_loss)],
      ['teach.card.valAcc', share(card.val_accuracy)],
      ['teach.card.testLoss', formatLoss(card.test_loss)],
      ['teach.card.testAcc', share(card.test_accuracy)],
      ['teach.card.params', card.params === null || card.params === undefined ? '–' : formatNumber(card.params)],
      ['teach.card.dead', String(card.dead ?? 0)],
    ];
    const cells = rows
      .filter(([key, value]) => value !== '–' || !key.endsWith('Acc'))
      .flatMap(([key, value]) => {
        return [h('dt', { text: t(key) }), h('dd', { text: value })];
      });
    parts.metrics.replaceChildren(...cells);
    parts.advice.replaceChildren(...(card.advice ?? []).map((/** @type {string} */ code) => {
      const li = document.createElement('li');
      li.dataset.code = code;
      const key = `coach.short.${code}`;
      const text = t(key);
      li.textContent = text === key ? code : text;
      return li;
    }));
    parts.hide.textContent = t(card.hidden ? 'teach.card.show' : 'teach.card.hide');
    parts.hide.title = t(card.hidden ? 'teach.card.showTitle' : 'teach.card.hideTitle', { name });
    parts.remove.textContent = t('teach.card.remove');
    parts.remove.title = t('teach.card.removeTitle', { name });
  }

  /**
   * Paints the card's picture if it changed, and writes its text.
   * @param {{card: any, el: HTMLElement, parts: Record<string, HTMLElement>, thumb?: string}} entry
   */
  function draw(entry) {
    if (entry.thumb) {
      paintThumb(/** @type {HTMLCanvasElement} */ (entry.parts.canvas), entry.thumb, entry.card.task);
      delete entry.thumb;
    }
    fill(entry);
  }

  /** Shows the cards that pass the filter, in order, moving nodes only when the order changed. */
  function arrange() {
    const visible = visibleCards([...shown.values()].map((e) => e.card), options)
      .map((card) => /** @type {any} */ (shown.get(card.id)).el);
    const current = [...container.children];
    if (current.length !== visible.length || current.some((el, i) => el !== visible[i])) {
      container.replaceChildren(...visible);
    }
  }

  return {
    update: students.update,
    view: students.view,
    /**
     * The name of a student still in the class, or null.
     * @param {string} id
     */
    nameOf(id) {
      return shown.get(id)?.card.name ?? null;
    },
    get size() {
      return shown.size;
    },
    clear() {
      shown.clear();
      container.replaceChildren();
    },
  };
}

/**
 * A share as a percentage in the page's language, or a dash.
 * @param {number | null | undefined} v
 */
function share(v) {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : formatPercent(v, 1);
}
