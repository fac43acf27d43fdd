// @ts-check
/**
 * The toolbar's training settings: speed, learning rate, batch size, optimizer, initializer,
 * regularization and its rate (selects whose choices come from the catalog or the lists
 * below), and the seed. A change goes out as a `configure`, its control marked pending
 * (`data-pending`) until the server answers; a select's confirmed value is in `data-applied`.
 * A teacher's locks disable them.
 */
import { catalogNames } from '../../catalog.js';
import { formatNumber } from '../../i18n.js';
import { lockControl } from '../../rooms/locks.js';

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const BATCH_SIZES = [1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000];
const REG_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** Epochs per second; 0 is as fast as possible. */
const SPEEDS = [0, 1, 3, 10, 30, 100, 300, 1000];

/** A number as a short label in the page's language: 0.00001 -> "0.00001" (« 0,00001 »), 3 -> "3". */
function numberLabel(/** @type {number} */ v) {
  return formatNumber(Number(v.toPrecision(6)), { maximumSignificantDigits: 6 });
}

/**
 * Fills a select with its choices (the current value added when it is not among them), only
 * when they or the language changed, and shows the current value.
 * @param {HTMLSelectElement} select
 * @param {Array<string | number>} values
 * @param {(v: any) => string} label
 * @param {string | number | undefined} current  added when not among the values
 * @param {string} lang
 */
function fill(select, values, label, current, lang) {
  const list = [...values];
  if (current !== undefined && !list.some((v) => String(v) === String(current))) {
    list.push(current);
    if (typeof current === 'number') list.sort((a, b) => Number(a) - Number(b));
  }
  const key = list.join('|');
  if (select.dataset.options !== key || select.dataset.lang !== lang) {
    select.replaceChildren(...list.map((v) => new Option(label(v), String(v))));
    select.dataset.options = key;
    select.dataset.lang = lang;
  }
  if (current !== undefined) {
    select.value = String(current);
    select.dataset.applied = String(current);
  }
}

/**
 * @param {(id: string) => any} q  the toolbar's element by test id
 * @param {{ctx: any, t: (key: string, params?: Record<string, unknown>) => string,
 *   banner: {clearWhenAccepted(reply: Promise<any>): void}}} deps
 */
export function createSettings(q, { ctx, t, banner }) {
  const selects = {
    speed: /** @type {HTMLSelectElement} */ (q('speed')),
    lr: /** @type {HTMLSelectElement} */ (q('learning-rate')),
    batch: /** @type {HTMLSelectElement} */ (q('batch-size')),
    optimizer: /** @type {HTMLSelectElement} */ (q('optimizer')),
    init: /** @type {HTMLSelectElement} */ (q('init')),
    reg: /** @type {HTMLSelectElement} */ (q('regularization')),
    regRate: /** @type {HTMLSelectElement} */ (q('regularization-rate')),
  };
  const seedInput = /** @type {HTMLInputElement} */ (q('seed'));
  /** Each control's latest change the server has not answered yet. */
  /** @type {Map<HTMLElement, Promise<any>>} */ const pending = new Map();

  /**
   * Sends a config change from one control, marked pending until the server answers it; its
   * error (if any) is shown in the banner and marks the control.
   * @param {any} partial
   * @param {HTMLElement} [control]
   */
  function configure(partial, control) {
    const reply = ctx.request({ type: 'configure', config: partial });
    banner.clearWhenAccepted(reply);
    if (control) {
      control.dataset.pending = 'true';
      pending.set(control, reply);
      const done = () => {
        if (pending.get(control) !== reply) return;
        control.dataset.pending = 'false';
        pending.delete(control);
      };
      reply.then(done, done);
    }
  }

  const on = (/** @type {HTMLSelectElement} */ select, /** @type {(v: string) => any} */ partial) => {
    select.addEventListener('change', () => configure(partial(select.value), select));
  };
  on(selects.speed, (v) => ({ view: { epochs_per_second: Number(v) } }));
  on(selects.lr, (v) => ({ optimizer: { learning_rate: Number(v) } }));
  on(selects.batch, (v) => ({ optimizer: { batch_size: Number(v) } }));
  on(selects.optimizer, (v) => ({ optimizer: { name: v } }));
  on(selects.init, (v) => ({ init: v }));
  on(selects.reg, (v) => ({ regularization: { kind: v } }));
  on(selects.regRate, (v) => ({ regularization: { rate: Number(v) } }));
  seedInput.addEventListener('change', () => {
    const seed = Number(seedInput.value);
    configure({ seed: Number.isInteger(seed) ? seed : seedInput.value }, seedInput);
  });
  q('new-seed').addEventListener('click', () => configure({ seed: Math.floor(Math.random() * 1e6) }));

  return {
    /**
     * The settings as the config has them, their choices from the catalog, locked ones disabled.
     * @param {any} config @param {any} catalog @param {ReadonlySet<string>} locked
     */
    render(config, catalog, locked) {
      const lang = ctx.i18n.lang;
      const opt = config?.optimizer ?? {};
      const names = (/** @type {import('../../catalog.js').NamedList} */ key) => catalogNames(catalog, key);
      fill(selects.speed, SPEEDS, (v) => (v === 0 ? t('controls.speedMax') : t('controls.speedN', { n: v })), config?.view?.epochs_per_second, lang);
      fill(selects.lr, LEARNING_RATES, numberLabel, opt.learning_rate, lang);
      fill(selects.batch, BATCH_SIZES, String, opt.batch_size, lang);
      fill(selects.optimizer, names('optimizers'), (v) => t(`optimizer.${v}`), opt.name, lang);
      fill(selects.init, names('initializers'), (v) => t(`init.${v}`), config?.init, lang);
      fill(selects.reg, names('regularization'), (v) => t(`reg.${v}`), config?.regularization?.kind, lang);
      fill(selects.regRate, REG_RATES, numberLabel, config?.regularization?.rate, lang);
      lockControl(selects.lr, locked.has('learning_rate'));
      lockControl(selects.optimizer, locked.has('optimizer'));
      lockControl(selects.batch, locked.has('optimizer'), opt.name === 'gd');
      lockControl(selects.init, locked.has('init'));
      lockControl(selects.reg, locked.has('regularization'));
      lockControl(selects.regRate, locked.has('regularization'), (config?.regularization?.kind ?? 'none') === 'none');
      if (config && document.activeElement !== seedInput) seedInput.value = String(config.seed);
    },
  };
}
