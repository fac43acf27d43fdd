// @ts-check
/**
 * The spotlight: one student's network and decision boundary, full size and read-only, drawn by
 * the playground's own views (heatmap.js, network.js) from a store of its own, which the
 * forwarded `room_spotlight` messages and frames fill; above them a line of the student's
 * name, epoch, losses and accuracies (`spotlight-metrics`), from the same frames. The store is
 * read-only (`readOnly`): the views hide their editing controls and make themselves inert;
 * their context's `send` and `configure` do nothing besides, so nothing the teacher clicks
 * there reaches the student.
 */
import { mountHeatmap } from '../views/heatmap.js';
import { formatLoss, formatPercent } from '../i18n.js';
import { mountNetwork } from '../views/network.js';
import { createStore } from '../state.js';

/**
 * @param {HTMLElement} container  holds `.spot-network` and `.spot-output`
 * @param {{i18n: any, t: (key: string, params?: Record<string, unknown>) => string}} deps
 */
export function mountSpotlight(container, deps) {
  const store = createStore({ lang: deps.i18n.lang });
  // The views hide their editing controls and ignore the pointer (state.readOnly).
  store.set('readOnly', true);
  const ctx = {
    store,
    landing: '',
    send: () => null,
    request: () => Promise.reject({ type: 'error', code: 'disconnected', message: 'read-only', field: null, local: true }),
    configure: () => null,
    t: deps.t,
    i18n: deps.i18n,
  };
  const networkBox = /** @type {HTMLElement} */ (container.querySelector('.spot-network'));
  const outputBox = /** @type {HTMLElement} */ (container.querySelector('.spot-output'));
  const views = [mountNetwork(networkBox, ctx), mountHeatmap(outputBox, ctx)];
  const metricsBox = document.createElement('dl');
  metricsBox.className = 'spot-metrics';
  metricsBox.dataset.testid = 'spotlight-metrics';
  container.querySelector('.spot-views')?.before(metricsBox);
  let fresh = true;
  store.onRender((state, changed) => {
    const keys = fresh ? new Set(Object.keys(state)) : changed;
    fresh = false;
    for (const view of views) view.update(state, keys);
    if (keys.has('frame') || keys.has('lang')) renderMetrics(state);
  });

  /** @type {string | null} */ let student = null;
  /** The spotlit student's name. */
  let name = '';

  /**
   * The student's name, epoch, losses and accuracies, as the latest frame has them (the
   * validation loss and the accuracies only where the student's run has them).
   * @param {any} state
   */
  function renderMetrics(state) {
    const m = state.frame?.header.metrics ?? {};
    const epoch = state.frame ? Number(state.frame.header.epoch) : null;
    /** @type {[string, string, string][]} */
    const items = [
      ['name', deps.t('teach.spot.student'), name],
      ['epoch', deps.t('teach.spot.epoch'), epoch === null ? '–' : String(epoch)],
      ['train-loss', deps.t('teach.spot.trainLoss'), formatLoss(m.train_loss)],
    ];
    if (typeof m.validation_loss === 'number') items.push(['validation-loss', deps.t('teach.spot.validationLoss'), formatLoss(m.validation_loss)]);
    items.push(['test-loss', deps.t('teach.spot.testLoss'), formatLoss(m.test_loss)]);
    if (typeof m.train_accuracy === 'number') items.push(['train-accuracy', deps.t('teach.spot.trainAccuracy'), formatPercent(m.train_accuracy, 1)]);
    if (typeof m.test_accuracy === 'number') items.push(['test-accuracy', deps.t('teach.spot.testAccuracy'), formatPercent(m.test_accuracy, 1)]);
    metricsBox.dataset.epoch = epoch === null ? '' : String(epoch);
    metricsBox.replaceChildren(...items.map(([key, label, value]) => {
      const item = document.createElement('div');
      item.className = 'readout';
      const dt = document.createElement('dt');
      dt.className = 'readout-label';
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.className = 'readout-value';
      dd.dataset.metric = key;
      dd.textContent = value;
      item.append(dt, dd);
      return item;
    }));
  }

  return {
    /** The epoch of the frame shown, or null. */
    get epoch() {
      return store.state.frame ? Number(store.state.frame.header.epoch) : null;
    },
    /** The student shown, or null. */
    get student() {
      return student;
    },
    /**
     * The teacher's catalog and hello (limits), which the network view reads.
     * @param {any} hello
     */
    hello(hello) {
      store.set('hello', hello);
      store.set('catalog', hello?.catalog ?? null);
    },
    /**
     * A `room_spotlight` message: a new student, or a new config or data of the same one.
     * @param {any} message
     */
    receive(message) {
      const next = message.student === null || message.student === undefined ? null : String(message.student);
      if (next !== student) {
        student = next;
        store.state.history = [];
        store.set('frame', null);
      }
      if (message.name !== undefined && message.name !== null && String(message.name) !== name) {
        name = String(message.name);
        renderMetrics(store.state);
      }
      if (message.config) store.set('config', message.config);
      if (message.data) store.set('data', message.data);
    },
    /**
     * A forwarded frame (`header.spotlight` is the student's id).
     * @param {import('../frame.js').Frame} frame
     */
    frame(frame) {
      if (student === null || String(frame.header.spotlight) !== student) return;
      store.addFrame(frame);
    },
    /**
     * Relabels the views in the page's new language.
     * @param {string} lang
     */
    setLang(lang) {
      store.set('lang', lang);
    },
    end() {
      student = null;
    },
  };
}

/**
 * The spotlight's large mode: `button` puts `section` on the whole screen with the Fullscreen
 * API and, where the browser refuses (or has no such API), over the whole window with the
 * `spot-large` class alone. Escape, the button again, or `leave()` ends it.
 * @param {HTMLElement} section
 * @param {HTMLButtonElement} button  a toggle: its `aria-pressed` says whether the mode is on
 */
export function mountLargeMode(section, button) {
  const on = () => section.classList.contains('spot-large');

  /** @param {boolean} large */
  function show(large) {
    section.classList.toggle('spot-large', large);
    button.setAttribute('aria-pressed', String(large));
  }

  function enter() {
    show(true);
    if (typeof section.requestFullscreen !== 'function') return;
    section.requestFullscreen().catch(() => {});  // refused: the window-sized mode stays
  }

  function leave() {
    if (!on()) return;
    show(false);
    if (document.fullscreenElement === section) document.exitFullscreen().catch(() => {});
  }

  button.addEventListener('click', () => (on() ? leave() : enter()));
  // The browser leaves full screen on Escape by itself; the large mode follows it.
  document.addEventListener('fullscreenchange', () => {
    if (document.fullscreenElement !== section) leave();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && on() && !event.defaultPrevented) {
      leave();
      button.focus();
    }
  });
  return { leave, get on() { return on(); } };
}
