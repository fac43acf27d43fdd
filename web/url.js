// @ts-check
/**
 * The whole config in the URL's query string, and back. One declarative table maps each short,
 * readable parameter to its config path, so a teacher can read and edit a shared link:
 * `?dataset=spiral&hidden=8:tanh,8:tanh&lr=0.03`. Parameters this module does not own (such as
 * `experiment`) are left untouched.
 */

/** @typedef {'string' | 'int' | 'float' | 'bool' | 'list' | 'hidden'} Kind */

/** @type {Array<[string, string, Kind]>} parameter, dotted config path, kind */
export const URL_PARAMS = [
  ['dataset', 'dataset.name', 'string'],
  ['points', 'dataset.points', 'int'],
  ['noise', 'dataset.noise', 'float'],
  ['classes', 'dataset.classes', 'int'],
  ['train', 'dataset.train_fraction', 'float'],
  ['val', 'dataset.validation_fraction', 'float'],
  ['dseed', 'dataset.seed', 'int'],
  ['features', 'features', 'list'],
  ['hidden', 'hidden', 'hidden'],
  ['out', 'output.activation', 'string'],
  ['loss', 'output.loss', 'string'],
  ['init', 'init', 'string'],
  ['opt', 'optimizer.name', 'string'],
  ['lr', 'optimizer.learning_rate', 'float'],
  ['batch', 'optimizer.batch_size', 'int'],
  ['momentum', 'optimizer.momentum', 'float'],
  ['beta1', 'optimizer.beta1', 'float'],
  ['beta2', 'optimizer.beta2', 'float'],
  ['reg', 'regularization.kind', 'string'],
  ['rate', 'regularization.rate', 'float'],
  ['stop', 'stopping.patience', 'int'],
  ['std', 'standardize', 'bool'],
  ['seed', 'seed', 'int'],
  ['res', 'view.resolution', 'int'],
  ['nres', 'view.neuron_resolution', 'int'],
  ['fps', 'view.fps', 'int'],
  ['eps', 'view.epochs_per_second', 'float'],
];

/**
 * @param {any} object
 * @param {string} path
 */
function getPath(object, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), object);
}

/**
 * @param {any} object
 * @param {string} path
 * @param {unknown} value
 */
function setPath(object, path, value) {
  const keys = path.split('.');
  let o = object;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1]] = value;
}

/**
 * @param {unknown} value
 * @param {Kind} kind
 */
function encodeValue(value, kind) {
  if (kind === 'list') return /** @type {string[]} */ (value).join(',');
  if (kind === 'hidden') {
    return /** @type {{units: number, activation: string, batch_norm?: boolean}[]} */ (value)
      .map((h) => `${h.units}:${h.activation}${h.batch_norm ? ':bn' : ''}`).join(',');
  }
  return String(value);
}

/**
 * @param {string} text
 * @param {Kind} kind
 * @param {string} name  the parameter, for error messages
 */
function decodeValue(text, kind, name) {
  if (kind === 'string') {
    if (!/^[a-z0-9_]+$/.test(text)) throw new Error(`URL parameter ${name}: ${JSON.stringify(text)} is not a name`);
    return text;
  }
  if (kind === 'int' || kind === 'float') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
      throw new Error(`URL parameter ${name}: ${JSON.stringify(text)} is not ${kind === 'int' ? 'an integer' : 'a number'}`);
    }
    return n;
  }
  if (kind === 'bool') {
    if (text !== 'true' && text !== 'false') throw new Error(`URL parameter ${name}: ${JSON.stringify(text)} is not true or false`);
    return text === 'true';
  }
  if (kind === 'list') return text.split(',').filter((s) => s !== '');
  if (text === '' || text === 'none') return [];
  return text.split(',').map((part) => {
    const [units, activation, norm, ...rest] = part.split(':');
    const n = Number(units);
    if (!Number.isInteger(n) || !activation || (norm !== undefined && norm !== 'bn') || rest.length) {
      throw new Error(`URL parameter hidden: ${JSON.stringify(part)} is not units:activation or units:activation:bn (e.g. 4:tanh, 4:tanh:bn)`);
    }
    return norm ? { units: n, activation, batch_norm: true } : { units: n, activation };
  });
}

/**
 * The partial config a query string describes, and the errors of the parameters it ignored.
 * @param {string} search  e.g. location.search
 * @returns {{config: any, errors: string[]}}
 */
export function configFromUrl(search) {
  const params = new URLSearchParams(search);
  /** @type {any} */
  const config = {};
  /** @type {string[]} */
  const errors = [];
  for (const [name, path, kind] of URL_PARAMS) {
    const text = params.get(name);
    if (text === null) continue;
    try {
      setPath(config, path, decodeValue(text, kind, name));
    } catch (error) {
      errors.push(/** @type {Error} */ (error).message);
    }
  }
  return { config, errors };
}

/**
 * `search` with every config parameter set from `config` (other parameters kept).
 * @param {any} config  a normalized config
 * @param {string} search
 */
export function urlFromConfig(config, search) {
  const params = new URLSearchParams(search);
  for (const [name, path, kind] of URL_PARAMS) {
    const value = getPath(config, path);
    if (value === undefined || value === null) params.delete(name);
    else params.set(name, encodeValue(value, kind));
  }
  return query(params);
}

/** A query string that keeps `:` and `,` readable (`hidden=4:tanh,2:relu`). */
function query(/** @type {URLSearchParams} */ params) {
  return `?${params.toString().replaceAll('%3A', ':').replaceAll('%2C', ',')}`;
}

/**
 * The config a client sends to restore a session: the normalized config without the fields the
 * server fills in itself.
 * @param {any} config
 */
export function restorable(config) {
  const copy = structuredClone(config);
  if (copy?.output) {
    delete copy.output.resolved_activation;
    delete copy.output.resolved_loss;
  }
  return copy;
}

/** The language the URL asks for, if any. */
export function langFromUrl(/** @type {string} */ search) {
  return new URLSearchParams(search).get('lang');
}

/** `search` asking for language `lang` (other parameters kept). */
export function urlWithLang(/** @type {string} */ lang, /** @type {string} */ search) {
  const params = new URLSearchParams(search);
  params.set('lang', lang);
  return query(params);
}

/**
 * View toggles carried in links, beside the config: parameter, its value when on, its default.
 * A view reads its toggle from the page's link once and writes it back on every change.
 * @type {Array<[string, boolean]>} parameter, default
 */
export const URL_TOGGLES = [
  ['discretize', false],
  ['test', true],
  ['presenter', false],
];

/**
 * Whether toggle `name` is on in `search` (its default when absent or unreadable).
 * @param {string} name
 * @param {string} search
 */
export function toggleFromUrl(name, search) {
  const entry = URL_TOGGLES.find(([n]) => n === name);
  if (!entry) throw new Error(`unknown toggle ${name}`);
  const text = new URLSearchParams(search).get(name);
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  return entry[1];
}

/**
 * `search` with toggle `name` set (left out when at its default, so links stay short).
 * @param {string} name
 * @param {boolean} on
 * @param {string} search
 */
export function urlWithToggle(name, on, search) {
  const entry = URL_TOGGLES.find(([n]) => n === name);
  if (!entry) throw new Error(`unknown toggle ${name}`);
  const params = new URLSearchParams(search);
  if (on === entry[1]) params.delete(name);
  else params.set(name, on ? '1' : '0');
  return query(params);
}

/** Rewrites the address bar with toggle `name` set (the hash kept). */
export function rememberToggle(/** @type {string} */ name, /** @type {boolean} */ on) {
  history.replaceState(history.state, '', urlWithToggle(name, on, location.search) + location.hash);
}

/**
 * The Search panel's setup carried in links, beside the config: parameter, setup field, kind,
 * default. A link such as `?smethod=random&spreset=seeds&strials=6&sepochs=20` reopens the
 * panel set up for that search; values at their default are left out. `sspace` is the custom
 * space (`spreset=custom`), e.g. `learning_rate:0.0001..0.1:4:log;activation:relu,tanh`.
 * @type {Array<[string, string, 'string' | 'int' | 'space', string | number]>}
 */
export const SEARCH_PARAMS = [
  ['smethod', 'method', 'string', 'grid'],
  ['spreset', 'preset', 'string', 'course-grid'],
  ['strials', 'trials', 'int', 60],
  ['sepochs', 'epochs', 'int', 100],
  ['sobj', 'objective', 'string', 'loss'],
  ['sspace', 'space', 'space', ''],
];

/**
 * The search setup fields a query string sets (names checked as names, counts as positive
 * integers; the panel checks them against its choices and limits), and the errors of the
 * parameters it ignored.
 * @param {string} search
 * @returns {{setup: Record<string, string | number>, errors: string[]}}
 */
export function searchFromUrl(search) {
  const params = new URLSearchParams(search);
  /** @type {Record<string, string | number>} */
  const setup = {};
  /** @type {string[]} */
  const errors = [];
  for (const [name, key, kind] of SEARCH_PARAMS) {
    const text = params.get(name);
    if (text === null) continue;
    try {
      if (kind === 'string' && !/^[a-z0-9_-]+$/.test(text)) throw new Error(`URL parameter ${name}: ${JSON.stringify(text)} is not a name`);
      if (kind === 'int' && !/^[1-9][0-9]*$/.test(text)) throw new Error(`URL parameter ${name}: ${JSON.stringify(text)} is not a positive integer`);
      if (kind === 'space' && !/^[a-z0-9_.:;,+-]*$/i.test(text)) throw new Error(`URL parameter ${name}: ${JSON.stringify(text)} is not a search space`);
      setup[key] = kind === 'int' ? Number(text) : text;
    } catch (error) {
      errors.push(/** @type {Error} */ (error).message);
    }
  }
  return { setup, errors };
}

/**
 * `search` with the search setup's parameters set (left out at their default).
 * @param {Record<string, string | number>} setup
 * @param {string} search
 */
export function urlWithSearch(setup, search) {
  const params = new URLSearchParams(search);
  for (const [name, key, , fallback] of SEARCH_PARAMS) {
    const value = setup[key];
    if (value === undefined || value === fallback) params.delete(name);
    else params.set(name, String(value));
  }
  return query(params);
}

/** Rewrites the address bar with the search setup (the hash kept). */
export function rememberSearch(/** @type {Record<string, string | number>} */ setup) {
  history.replaceState(history.state, '', urlWithSearch(setup, location.search) + location.hash);
}
