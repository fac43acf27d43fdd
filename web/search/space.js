// @ts-check
/**
 * The Search panel's space editor: one row per config field, a box to vary it, and its values
 * (a box per name for lists such as activation or optimizer; low, high, grid steps and a log
 * scale for numbers). It builds the `space` of a search_start, writes it as one short URL
 * parameter (`sspace`) and reads it back, and shows a server error next to the field it names.
 */
import { h } from '../dom.js';

export const STRINGS = {
  en: {
    'search.preset.custom': 'Custom space (choose each field below)',
    'search.space': 'Search space', 'search.space.vary': 'vary',
    'search.space.low': 'from', 'search.space.high': 'to', 'search.space.steps': 'grid steps',
    'search.space.log': 'log scale',
    'search.space.size': 'Grid: {n} configs',
    'search.space.hint': 'Tick the fields to search; the others keep the playground’s value. Grid and local search use the steps of each range; random and Bayesian search sample anywhere in it.',
  },
  fr: {
    'search.preset.custom': 'Espace sur mesure (chaque champ ci-dessous)',
    'search.space': 'Espace de recherche', 'search.space.vary': 'varier',
    'search.space.low': 'de', 'search.space.high': 'à', 'search.space.steps': 'pas de grille',
    'search.space.log': 'échelle log',
    'search.space.size': 'Grille : {n} configurations',
    'search.space.hint': 'Cochez les champs à explorer ; les autres gardent la valeur réglée dans le terrain de jeu. Les recherches en grille et locale prennent les pas de chaque intervalle ; les recherches aléatoire et bayésienne tirent n’importe où dedans.',
  },
};

/**
 * @typedef {import('../types/protocol').Catalog} Catalog
 * @typedef {import('../types/protocol').SearchRangeField} RangeField
 * @typedef {import('../types/protocol').SearchListField} ListField
 * @typedef {{low: number, high: number, steps: number, log: boolean}} RangeStart
 * @typedef {string[] | RangeStart} Dimension
 */

/**
 * Where the editor's boxes start for the fields outside the course's grid (the course's grid,
 * ticked at first, comes from the catalog: `search.course_grid`). What each field may hold, its
 * bounds and names, is the catalog's (`search.fields`).
 * @type {Record<string, Dimension>}
 */
const SUGGESTED = {
  optimizer: ['sgd', 'adam'],
  batch_size: { low: 5, high: 40, steps: 4, log: true },
  units: { low: 2, high: 8, steps: 4, log: false },
  init: ['xavier', 'he'],
  regularization: ['none', 'l2'],
  reg_rate: { low: 0.0001, high: 0.1, steps: 4, log: true },
  seed: { low: 1, high: 10, steps: 10, log: false },
};
/** The fields the editor leaves out: a value of `features` is a set of features. */
const LEFT_OUT = ['features'];

/**
 * The editor's start for a field of the course's grid: its names, or its numbers as a range
 * (a log range when they grow by one factor).
 * @param {Array<number | string>} values @param {RangeField | ListField} field
 * @returns {Dimension}
 */
function startOf(values, field) {
  if (field.kind === 'list') return values.map(String);
  const numbers = values.map(Number);
  const low = numbers[0];
  const high = numbers[numbers.length - 1];
  const ratio = numbers.length > 2 && low > 0 ? numbers[1] / low : 0;
  const log = field.log && ratio > 0 && numbers.every((v, i) => Math.abs(v / (low * ratio ** i) - 1) < 1e-6);
  return { low, high, steps: numbers.length, log };
}

/**
 * The names of a catalog list a search field picks from.
 * @param {Catalog} catalog @param {ListField['names']} key
 * @returns {string[]}
 */
function namesOf(catalog, key) {
  return catalog[key].map((x) => (typeof x === 'string' ? x : x.name));
}

/**
 * A number rounded to the nearest integer, halves to the even one (Python's `round`, which
 * the engine's grid uses; `Math.round` takes halves up).
 * @param {number} v
 */
function roundHalfEven(v) {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The values a grid search tries for one field, to count the grid's configs: the engine's
 * rule (`engine.search.space.Range.grid`: NumPy's linspace or geomspace, integers rounded
 * halves to even, repeats dropped), which `tests/server/test_grid_rules.py` holds the two to.
 * @param {Dimension} dim  a list of names or {low, high, steps, log}
 * @param {boolean} integer
 */
export function gridValues(dim, integer) {
  if (Array.isArray(dim)) return dim;
  const { low, high, log } = dim;
  const steps = Math.max(2, dim.steps);
  const values = Array.from({ length: steps }, (_, i) => {
    if (i === 0) return low;
    if (i === steps - 1) return high;
    return log
      ? 10 ** (Math.log10(low) + i * ((Math.log10(high) - Math.log10(low)) / (steps - 1)))
      : low + i * ((high - low) / (steps - 1));
  });
  return integer ? [...new Set(values.map(roundHalfEven))] : values;
}

/**
 * @param {HTMLElement} container
 * @param {{onChange: () => void, t: (key: string, params?: Record<string, unknown>) => string}} hooks
 */
export function mountSpaceEditor(container, { onChange, t }) {
  /**
   * @typedef {{vary: HTMLInputElement, row: HTMLElement, error: HTMLElement, integer: boolean,
   *   names?: ListField['names'], boxes?: HTMLElement,
   *   inputs?: Record<'low' | 'high' | 'steps', HTMLInputElement>, log?: HTMLInputElement}} Row
   * @type {Map<string, Row>}
   */
  const rows = new Map();
  /** An `sspace` read before the catalog arrived (the rows come with it). */
  /** @type {string | null} */ let pending = null;

  /**
   * One row per field the catalog's search offers, started at the course's grid.
   * @param {Catalog} catalog
   */
  function build(catalog) {
    const { fields, course_grid: course, min_steps: minSteps, max_steps: maxSteps } = catalog.search;
    for (const [name, spec] of Object.entries(fields)) {
      if (LEFT_OUT.includes(name)) continue;
      const inCourse = course[name];
      const start = inCourse ? startOf(inCourse, spec) : SUGGESTED[name];
      const vary = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', 'data-testid': `search-vary-${name}` }));
      vary.checked = Boolean(inCourse);
      const error = h('span', { class: 'srch-error', role: 'alert', 'data-testid': `search-error-space.${name}` });
      const head = h('label', { class: 'srch-vary' }, [vary, h('span', { 'data-label': `search.field.${name}` })]);
      const row = h('div', { class: 'srch-field', 'data-testid': `search-field-${name}` }, [head]);
      /** @type {Row} */ const entry = { vary, row, error, integer: spec.kind === 'range' && spec.integer };
      if (spec.kind === 'list') {
        entry.names = spec.names;
        entry.boxes = h('span', { class: 'srch-values' });
        listBoxes(name, entry.boxes, namesOf(catalog, spec.names), Array.isArray(start) ? start : []);
        row.append(entry.boxes);
      } else {
        const first = start && !Array.isArray(start) ? start : { low: spec.min, high: spec.max, steps: minSteps, log: false };
        const number = (/** @type {string} */ part, /** @type {number} */ value) => /** @type {HTMLInputElement} */ (h('input', {
          type: 'number', step: 'any', value: String(value), 'data-testid': `search-${name}-${part}`,
          ...(part === 'steps' ? { min: String(minSteps), max: String(maxSteps) } : { min: String(spec.min), max: String(spec.max) }),
        }));
        entry.inputs = { low: number('low', first.low), high: number('high', first.high), steps: number('steps', first.steps) };
        const part = (/** @type {string} */ key, /** @type {HTMLElement} */ input) => h('label', {}, [h('span', { 'data-label': key }), input]);
        row.append(part('search.space.low', entry.inputs.low), part('search.space.high', entry.inputs.high),
          part('search.space.steps', entry.inputs.steps));
        if (spec.log) {
          entry.log = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', 'data-testid': `search-${name}-log` }));
          entry.log.checked = first.log;
          row.append(h('label', { class: 'srch-vary' }, [entry.log, h('span', { 'data-label': 'search.space.log' })]));
        }
      }
      row.append(error);
      rows.set(name, entry);
    }
    box.insertBefore(fragment(...[...rows.values()].map((r) => r.row)), size);
    if (pending !== null) decode(pending);
    pending = null;
    markVaried();
  }

  /** @param {Node[]} nodes */
  function fragment(...nodes) {
    const out = document.createDocumentFragment();
    out.append(...nodes);
    return out;
  }

  const general = h('p', { class: 'srch-error', role: 'alert', 'data-testid': 'search-error-space' });
  const size = h('p', { class: 'srch-size', 'data-testid': 'search-space-size' });
  const box = h('fieldset', { class: 'srch-space', 'data-testid': 'search-space', hidden: '' }, [
    h('legend', { 'data-label': 'search.space' }),
    h('p', { class: 'srch-muted', 'data-label': 'search.space.hint' }),
    size, general]);
  container.append(box);
  box.addEventListener('change', () => { markVaried(); onChange(); });
  box.addEventListener('input', drawSize);
  markVaried();

  /** One checkbox per name, those in `checked` ticked (ticks kept when the names change). */
  function listBoxes(/** @type {string} */ name, /** @type {HTMLElement} */ into, /** @type {string[]} */ names, /** @type {string[]} */ checked) {
    into.replaceChildren(...names.map((value) => {
      const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', value, 'data-testid': `search-${name}-${value}` }));
      input.checked = checked.includes(value);
      return h('label', { class: 'srch-vary' }, [input, value]);
    }));
  }

  /**
   * The names ticked in a list field.
   * @param {HTMLElement} boxes
   */
  function ticked(boxes) {
    return [...boxes.querySelectorAll('input')].filter((i) => i.checked).map((i) => i.value);
  }

  function markVaried() {
    for (const { vary, row } of rows.values()) row.dataset.varied = String(vary.checked);
    drawSize();
  }

  /** The number of configs on the grid (what a grid search trains at most). */
  function drawSize() {
    let n = 1;
    for (const [name, dim] of Object.entries(space())) {
      n *= gridValues(dim, rows.get(name)?.integer ?? false).length;
    }
    size.dataset.configs = String(n);
    size.textContent = t('search.space.size', { n });
  }


  /** The space of a search_start: {field: [names] | {low, high, log, steps}} for each varied field. */
  function space() {
    /** @type {Record<string, Dimension>} */
    const out = {};
    for (const [name, r] of rows) {
      if (!r.vary.checked) continue;
      if (r.boxes) { out[name] = ticked(r.boxes); continue; }
      const inputs = /** @type {Record<'low' | 'high' | 'steps', HTMLInputElement>} */ (r.inputs);
      out[name] = { low: Number(inputs.low.value), high: Number(inputs.high.value),
        steps: Math.round(Number(inputs.steps.value)), log: Boolean(r.log?.checked) };
    }
    return out;
  }

  /** The space as `sspace`: `learning_rate:0.0001..0.1:4:log;activation:relu,tanh`. */
  function encode() {
    return Object.entries(space()).map(([name, dim]) => (Array.isArray(dim)
      ? `${name}:${dim.join(',')}`
      : `${name}:${dim.low}..${dim.high}:${dim.steps}${dim.log ? ':log' : ''}`)).join(';');
  }

  /** Sets the editor from an `sspace` text (fields it does not know are skipped). */
  function decode(/** @type {string} */ text) {
    if (!rows.size) { pending = text; return; }
    const parts = new Map(text.split(';').map((part) => {
      const [name, ...rest] = part.split(':');
      return [name, rest];
    }));
    for (const [name, r] of rows) {
      const rest = parts.get(name);
      r.vary.checked = rest !== undefined;
      if (!rest) continue;
      if (r.boxes) {
        const names = (rest[0] ?? '').split(',').filter(Boolean);
        for (const input of r.boxes.querySelectorAll('input')) input.checked = names.includes(input.value);
      } else if (r.inputs) {
        const [low, high] = (rest[0] ?? '').split('..');
        if (low !== undefined && low !== '') r.inputs.low.value = low;
        if (high !== undefined && high !== '') r.inputs.high.value = high;
        if (rest[1]) r.inputs.steps.value = rest[1];
        if (r.log) r.log.checked = rest.includes('log');
      }
    }
    markVaried();
  }

  return {
    space,
    encode,
    decode,
    /** @param {boolean} shown */
    show(shown) { box.hidden = !shown; },
    drawSize,
    /**
     * The catalog's fields, bounds and names (from the server's hello): the rows on the first,
     * the list fields' names after (their ticks kept).
     * @param {Catalog} catalog
     */
    setCatalog(catalog) {
      if (!rows.size) { build(catalog); return; }
      for (const [name, r] of rows) {
        if (r.boxes && r.names) listBoxes(name, r.boxes, namesOf(catalog, r.names), ticked(r.boxes));
      }
    },
    /**
     * Shows `message` next to the field it names (`space.layers`, `space.layers.low`, ...)
     * and returns whether a field of the editor took it.
     * @param {string} field @param {string} message
     */
    showError(field, message) {
      const name = field.split('.')[1];
      const r = name ? rows.get(name) : undefined;
      const spot = r ? r.error : field === 'space' ? general : null;
      if (!spot) return false;
      spot.textContent = message;
      (r?.row ?? box).setAttribute('aria-invalid', 'true');
      return true;
    },
    clearErrors() {
      for (const el of box.querySelectorAll('.srch-error')) el.textContent = '';
      for (const el of box.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      box.removeAttribute('aria-invalid');
    },
  };
}
