// @ts-check
/**
 * The Search panel's figures below its chart: one strip plot per config field that varies
 * between the trials (the objective against the field), and, for the seeds preset, the spread
 * of the final training costs with a note that weighs it against the non-convexity
 * experiment's promise.
 */
import { h } from '../dom.js';
import { formatNumber } from '../i18n.js';
import { drawParamPlot, drawSeedsPlot, varyingFields } from './plots.js';

/** @typedef {(key: string, params?: Record<string, unknown>) => string} Translate */

/**
 * The strip plots of the varying fields, their canvases kept across redraws.
 * @param {Translate} t
 */
export function createParamFigures(t) {
  const box = h('div', { class: 'srch-params', 'data-testid': 'search-params' });
  const section = h('section', { class: 'srch-section', hidden: '' }, [
    h('h3', { class: 'srch-subtitle', 'data-label': 'search.params' }), box]);
  /** @type {Map<string, HTMLCanvasElement>} */ let plots = new Map();
  return {
    section,
    /** A new search: new plots. */
    reset() {
      plots = new Map();
    },
    /**
     * @param {any[]} trials @param {string} objectiveName  the objective, in words
     * @param {any} best  the best trial so far, or null
     */
    draw(trials, objectiveName, best) {
      const fields = varyingFields(trials);
      section.hidden = fields.length === 0;
      box.replaceChildren(...fields.map((name) => {
        let canvas = plots.get(name);
        if (!canvas) {
          canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'srch-param', 'data-testid': `search-param-${name}`, role: 'img' }));
          plots.set(name, canvas);
        }
        const fieldName = t(`search.field.${name}`);
        canvas.setAttribute('aria-label', t('search.paramTitle', { objective: objectiveName, field: fieldName }));
        return h('figure', { class: 'srch-figure' }, [canvas, h('figcaption', {}, [fieldName])]);
      }));
      for (const name of fields) drawParamPlot(/** @type {HTMLCanvasElement} */ (plots.get(name)), trials, name, best);
    },
  };
}

/**
 * The seeds preset's figure: the final training costs, min, median and max.
 * @param {Translate} t
 */
export function createSeedsFigure(t) {
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'srch-seeds', 'data-testid': 'search-seeds', role: 'img', 'data-title': 'search.seeds' }));
  const stats = h('p', { class: 'srch-muted', 'data-testid': 'search-seeds-stats' });
  const note = h('p', { class: 'srch-note', 'data-testid': 'search-seeds-note' });
  const section = h('section', { class: 'srch-section', hidden: '' }, [
    h('h3', { class: 'srch-subtitle', 'data-label': 'search.seeds' }), canvas, stats, note]);
  /** The seeds experiment's promised spread of final costs (the catalog's `seeds_ratio`). */
  /** @type {number | null} */ let promised = null;
  return {
    section,
    setPromise(/** @type {number} */ ratio) {
      promised = ratio;
    },
    /**
     * @param {string} preset  the search's
     * @param {any[]} trials
     */
    draw(preset, trials) {
      section.hidden = preset !== 'seeds' || trials.length === 0;
      if (section.hidden) return;
      const finished = trials.filter((x) => x.train_loss != null && Number.isFinite(x.train_loss));
      const costs = finished.map((x) => x.train_loss);
      const spread = drawSeedsPlot(canvas, costs);
      const f = (/** @type {number} */ x) => formatNumber(x, { maximumSignificantDigits: 4 });
      const trialOf = (/** @type {number} */ cost) => finished.find((x) => x.train_loss === cost)?.trial;
      stats.textContent = spread
        ? t('search.seedsStats', { n: costs.length, min: f(spread.min), median: f(spread.median), max: f(spread.max), low: trialOf(spread.min), high: trialOf(spread.max) })
        : '';
      // The note says what this spread shows, measured against the non-convexity experiment's
      // promise (its max over min), rather than asserting non-convexity whatever it is.
      const ratio = spread && spread.min > 0 ? spread.max / spread.min : null;
      note.hidden = ratio === null || costs.length < 2;
      if (ratio !== null) {
        const key = promised !== null && ratio >= promised ? 'search.seedsNote' : 'search.seedsNoteClose';
        note.textContent = t(key, { ratio: formatNumber(ratio, { maximumFractionDigits: 2 }) });
      }
    },
  };
}
