// @ts-check
/**
 * The mosaic: every student's decision boundary as a tile, the whole class on one screen.
 * A tile is the card's 32×32 picture (the same `room_gallery` data, nothing more from the
 * server), its border and corner mark say the student's state (training ▶, paused ❚❚,
 * diverged ✕), a band on the picture the coach's main advice, and the line under it the
 * student's name, initials or nothing (the anonymize setting). Tiles are buttons: a click or
 * Enter spotlights the student. Their size is computed so that every tile fits between the
 * mosaic's top and the bottom of the window, as large as that allows.
 */
import { h } from '../dom.js';
import { paintThumb, THUMB, visibleCards } from './gallery.js';
import { initials } from './names.js';
import { studentView } from './studentView.js';

const GAP = 8;
/** A tile's side, in CSS pixels: below the minimum the mosaic scrolls rather than shrink. */
const MIN_TILE = 48;
const MAX_TILE = 200;
/** The tile's border and padding, each side (teach.css, .tile). */
const FRAME = 6;

/**
 * The font size of a tile's name for a tile of side `side`.
 * @param {number} side
 */
export const tileFont = (side) => Math.max(12, Math.min(17, Math.round(side * 0.115)));

/**
 * A name in about `chars` characters: whole, else the first word and the others' initials
 * ("Ada L."), else the first word, else the initials, else cut with an ellipsis.
 * @param {string} name
 * @param {number} chars
 */
export function shortName(name, chars) {
  const length = (/** @type {string} */ s) => Array.from(s).length;
  if (length(name) <= chars) return name;
  const [first = '', ...rest] = name.split(/\s+/u).filter(Boolean);
  const tries = rest.length
    ? [[first, ...rest.map((w) => `${Array.from(w)[0]}.`)].join(' '), first, initials(name)]
    : [];
  const fits = tries.find((s) => length(s) <= chars);
  return fits ?? `${Array.from(name).slice(0, Math.max(1, chars - 1)).join('')}…`;
}

/**
 * The largest tile side (and its columns) for `n` tiles in a box `width` × `height`, each tile
 * a square picture plus, with `label`, a line of text under it.
 * @param {number} n
 * @param {number} width
 * @param {number} height
 * @param {boolean} label
 * @returns {{side: number, cols: number}}
 */
export function fitTiles(n, width, height, label) {
  const line = (/** @type {number} */ side) => (label ? Math.ceil(tileFont(side) * 1.25) + 2 : 0);
  // Nothing fits: tiles of the smallest side, as many columns as the width holds (it scrolls).
  let best = { side: MIN_TILE, cols: Math.max(1, Math.min(n, Math.floor((width + GAP) / (MIN_TILE + GAP)))) };
  let bestSide = 0;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    let side = Math.min(MAX_TILE, Math.floor((width - (cols - 1) * GAP) / cols));
    if (side < MIN_TILE) break;
    // Shrink until the rows fit the height (the line under the picture shrinks with it).
    while (side >= MIN_TILE && rows * (side + line(side)) + (rows - 1) * GAP > height) side -= 1;
    if (side >= MIN_TILE && side > bestSide) {
      bestSide = side;
      best = { side, cols };
    }
  }
  return best;
}

/**
 * @param {HTMLElement} container  the mosaic's grid
 * @param {{
 *   t: (key: string, params?: Record<string, unknown>) => string,
 *   namer: ReturnType<typeof import('./names.js').createNamer>,
 *   onSpotlight: (id: string) => void,
 * }} deps
 */
export function mountMosaic(container, deps) {
  const { t, namer } = deps;
  /** @type {ReturnType<typeof studentView<{card: any, el: HTMLButtonElement, canvas: HTMLCanvasElement, advice: HTMLElement, name: HTMLElement, thumb?: string}>>} */
  const students = studentView({ build, draw, arrange, active: false });
  const { entries: tiles, options, state } = students;
  let fitting = 0;
  /** About how many characters of a name fit under a tile's picture. */
  let chars = 12;

  /** @param {string} id */
  function build(id) {
    const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'tile-thumb', width: THUMB, height: THUMB, 'aria-hidden': 'true' }));
    const mark = h('span', { class: 'tile-state', 'aria-hidden': 'true' });
    const advice = h('span', { class: 'tile-advice', 'aria-hidden': 'true' });
    const picture = h('span', { class: 'tile-picture' }, [canvas, mark, advice]);
    const name = h('span', { class: 'tile-name', 'aria-hidden': 'true' });
    const el = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'tile', 'data-testid': `mosaic-tile-${id}` }, [picture, name]));
    el.addEventListener('click', () => deps.onSpotlight(id));
    return { el, canvas, advice, name };
  }

  /** @param {{card: any, el: HTMLButtonElement, advice: HTMLElement, name: HTMLElement}} tile */
  function fill(tile) {
    const { card, el } = tile;
    const status = String(card.status ?? 'paused');
    const main = card.advice?.[0] ?? null;
    const label = namer.label(card.id, String(card.name ?? ''));
    el.dataset.status = status;
    el.dataset.epoch = String(card.epoch ?? 0);
    el.dataset.advice = main ?? '';
    el.dataset.hidden = String(Boolean(card.hidden));
    el.classList.toggle('tile-spotlit', state.spotlit === card.id);
    tile.name.textContent = shortName(namer.tile(card.id, String(card.name ?? '')), chars);
    tile.advice.textContent = main ? t(`teach.mark.${main}`) : '';
    tile.advice.hidden = !main;
    const adviceText = main ? t(`coach.short.${main}`) : '';
    el.setAttribute('aria-label', t('teach.tile.label', {
      name: label,
      state: t(`teach.status.${status}`) + (adviceText ? `, ${adviceText}` : ''),
    }));
  }

  /**
   * Paints the tile's picture if it changed, and writes its marks and name.
   * @param {{card: any, el: HTMLButtonElement, canvas: HTMLCanvasElement, advice: HTMLElement, name: HTMLElement, thumb?: string}} tile
   */
  function draw(tile) {
    if (tile.thumb) {
      paintThumb(tile.canvas, tile.thumb, tile.card.task);
      delete tile.thumb;
    }
    fill(tile);
  }

  /** Sizes the tiles so that all of them fit the window below the mosaic's top. */
  function fit() {
    fitting = 0;
    if (!state.active || !container.isConnected) return;
    const n = container.children.length;
    const top = container.getBoundingClientRect().top + window.scrollY;
    // The panel's bottom padding stays on screen too.
    const height = window.innerHeight - top - 18;
    const { side, cols } = fitTiles(n, container.clientWidth, height, namer.mode !== 'hidden');
    container.style.setProperty('--tile', `${side}px`);
    container.style.setProperty('--tile-font', `${tileFont(side)}px`);
    container.style.setProperty('--tile-line', `${Math.ceil(tileFont(side) * 1.25) + 2}px`);
    container.style.setProperty('--cols', String(cols));
    container.style.setProperty('--picture', `${side - 2 * FRAME}px`);
    container.dataset.fit = `${cols}x${side}`;
    const fits = Math.max(3, Math.floor((side - 2 * FRAME) / (tileFont(side) * 0.7)));
    if (fits !== chars) {
      chars = fits;
      for (const tile of tiles.values()) fill(tile);
    }
  }

  function refit() {
    if (!fitting) fitting = requestAnimationFrame(fit);
  }

  function arrange() {
    const visible = visibleCards([...tiles.values()].map((tile) => tile.card), options)
      .map((card) => /** @type {any} */ (tiles.get(card.id)).el);
    const current = [...container.children];
    if (current.length !== visible.length || current.some((el, i) => el !== visible[i])) {
      container.replaceChildren(...visible);
    }
    container.dataset.names = namer.mode;
    fit();
  }

  new ResizeObserver(refit).observe(container);
  window.addEventListener('resize', refit);

  return {
    update: students.update,
    view: students.view,
    /** Sizes the tiles again (the space above the mosaic changed). */
    refit,
    clear() {
      tiles.clear();
      container.replaceChildren();
    },
  };
}
