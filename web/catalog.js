// @ts-check
/**
 * What the engine says about itself, read from the server's catalog (`GET /api/catalog`,
 * `hello.catalog`): the activations with their facts, the output defaults per task. The page
 * keeps no copy of these: before the catalog arrives the lists are empty.
 */
import { formatNumber } from './i18n.js';

/**
 * The catalog and one activation as the engine describes it (engine/activations.py `facts()`).
 * @typedef {import('./types/protocol').Catalog} Catalog
 * @typedef {import('./types/protocol').ActivationFacts} ActivationFacts
 * @typedef {import('./types/protocol').OutputDefault} OutputDefault
 */

/**
 * The catalog's lists of names, or of entries with a `name`.
 * @typedef {{[K in keyof Catalog]: Catalog[K] extends Array<string | {name: string}> ? K : never}[keyof Catalog]} NamedList
 */

/**
 * The names of the catalog's list under `key` (`activations`, `losses`, `optimizers`...: plain
 * strings or objects with `name`), or an empty list before the catalog arrives.
 * @param {Catalog | null | undefined} catalog
 * @param {NamedList} key
 * @returns {string[]}
 */
export function catalogNames(catalog, key) {
  /** @type {Array<string | {name: string}> | undefined} */
  const list = catalog?.[key];
  if (!Array.isArray(list)) return [];
  return list.map((item) => (typeof item === 'string' ? item : item.name));
}

/**
 * The facts of one activation, or undefined if the catalog does not know it (yet).
 * @param {Catalog | null | undefined} catalog
 * @param {string} name
 * @returns {ActivationFacts | undefined}
 */
export function activationFacts(catalog, name) {
  return catalog?.activation_facts?.[name];
}

/**
 * The output activation and loss `auto` picks for a task (the engine's rule).
 * @param {Catalog | null | undefined} catalog
 * @param {string} task
 * @returns {OutputDefault | undefined}
 */
export function outputDefault(catalog, task) {
  return catalog?.output_defaults?.[task];
}

/**
 * A formula of the catalog written for the reader: `{word}` becomes the page's word
 * (`eq.word`) and `{constant}` the number, as the page's language writes it.
 * @param {string} formula
 * @param {Record<string, number>} constants
 * @param {(key: string) => string} t
 */
export function wordFormula(formula, constants, t) {
  return formula.replace(/\{(\w+)\}/g, (_, key) => (key in constants ? formatNumber(constants[key]) : t(`eq.${key}`)));
}
