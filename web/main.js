// @ts-check
/**
 * Wiring: builds the store, opens the socket, mounts every view into its container and draws
 * them all from one requestAnimationFrame. Restores the session config on reconnect and keeps
 * the config in the URL.
 */
import { createStore } from './state.js';
import { connectSocket, socketUrl } from './socket.js';
import { applyLabels, browserLanguage, createI18n } from './i18n.js';
import { APP_STRINGS } from './appStrings.js';
import { ERROR_STRINGS, wordDetail } from './errors.js';
import { configFromUrl, langFromUrl, restorable, urlFromConfig, urlWithLang } from './url.js';

/** Container selector, module, mount function: one row per view. */
const VIEWS = [
  ['#controls', './views/controls.js', 'mountControls'],
  ['#share', './share.js', 'mountShare'],
  ['#room', './rooms/student.js', 'mountRoom'],
  ['#data-panel', './views/dataPanel.js', 'mountDataPanel'],
  ['#network', './views/network.js', 'mountNetwork'],
  ['#output', './views/heatmap.js', 'mountHeatmap'],
  ['#loss-chart', './views/lossChart.js', 'mountLossChart'],
  ['#equations', './views/equations.js', 'mountEquations'],
  ['#exercises', './exercises.js', 'mountExercises'],
  ['#lessons', './lessons/index.js', 'mountLessons'],
  ['#search', './search/panel.js', 'mountSearchPanel'],
  ['#sections', './sections.js', 'mountSections'],
];

/** localStorage key of the config `rememberTeacherConfig` keeps for the teacher's page. */
const TEACHER_CONFIG_KEY = 'nnp.teacherConfig';

const urlLang = langFromUrl(location.search);
const i18n = createI18n(urlLang ?? browserLanguage(navigator.languages ?? [navigator.language]));
i18n.register(APP_STRINGS);
i18n.register(ERROR_STRINGS);
const store = createStore({ lang: i18n.lang });

/**
 * What the bench and tests read: frames received, paints (and those that drew a new frame), the
 * store, i18n, and the time spent in each view's update (ms, cumulative).
 */
const probe = { frames: 0, paints: 0, framePaints: 0, store, i18n, viewMs: /** @type {Record<string, number>} */ ({}) };
/** @type {any} */ (window).__playground = probe;

/** The query string the page was opened with: the page rewrites it once the session answers. */
const landing = location.search;
const fromUrl = configFromUrl(landing);
for (const message of fromUrl.errors) {
  // Worded here, in the page's language (`local`): the banner shows it as it is.
  const reason = wordDetail(i18n.t, message) ?? message;
  store.addError({ type: 'error', code: 'invalid', field: 'url', local: true, message: i18n.t('app.badUrl', { message: reason }) });
}
/** The config to send on the next `hello`: the URL's on the first, the session's after a drop. */
/** @type {import('./state.js').DeepPartial<Config> | null} */
let restoreConfig = Object.keys(fromUrl.config).length ? fromUrl.config : null;
let wasPlaying = false;
let hadSession = false;

const socket = connectSocket({
  url: socketUrl(location),
  onOpen() {
    store.set('connection', 'open');
    // A hidden tab gets a frame a second instead of thirty (docs/protocol.md, `visibility`).
    if (document.hidden) socket.send({ type: 'visibility', visible: false });
  },
  onClose() {
    if (store.state.config) restoreConfig = restorable(store.state.config);
    wasPlaying = store.state.status?.state === 'playing';
    store.set('connection', 'closed');
  },
  onMessage: receive,
  onFrame(frame) {
    probe.frames += 1;
    store.addFrame(frame);
    // A hidden tab draws nothing (no animation frames): acknowledged on arrival, it keeps
    // training; a visible one acknowledges after the paint that shows it.
    if (document.hidden) frame.ack?.();
  },
  onDecodeError(error) {
    store.addError({ type: 'error', code: 'internal', field: null, local: true, message: i18n.t('app.badFrame', { message: error.message }) });
  },
});

/**
 * @typedef {import('./types/protocol').Config} Config
 * @param {import('./types/protocol').ServerMessage} message
 */
function receive(message) {
  switch (message.type) {
    case 'hello':
      store.set('hello', message);
      store.set('catalog', message.catalog);
      store.set('status', { type: 'status', id: null, state: 'paused', epoch: 0, message: null, stopped_epoch: null });
      if (!store.state.config || !restoreConfig) store.set('config', message.config);
      if (restoreConfig) socket.send({ type: 'configure', config: /** @type {Config} */ (restoreConfig) });
      if (hadSession && wasPlaying) socket.send({ type: 'play' });
      socket.flushQueue();
      hadSession = true;
      break;
    case 'config':
      store.set('config', message.config);
      store.set('configId', message.id ?? null);
      history.replaceState(history.state, '', urlFromConfig(message.config, location.search) + location.hash);
      rememberTeacherConfig(message.config);
      break;
    case 'data':
      store.set('data', message);
      break;
    case 'status':
      store.set('status', message);
      break;
    case 'error':
      store.addError(message);
      break;
    case 'inspection':
      store.set('inspection', message);
      break;
    case 'export':
      store.set('exported', message.data);
      break;
    case 'room_joined':
    case 'room_left':
    case 'room_state':
    case 'room_push':
    case 'room_closed':
    case 'room_waiting':
      // The room view reads them all, in order (rooms/student.js).
      store.state.roomInbox.push(message);
      store.touch('roomInbox');
      break;
    case 'search_trial':
    case 'search_progress':
      // Several may arrive between two paints: the Search panel reads them all, in order.
      store.state.searchInbox.push(message);
      store.touch('searchInbox');
      break;
    default:
      console.warn('unknown server message', /** @type {{type: string}} */ (message).type);
  }
}

/**
 * The teacher's page (`/teach`) pushes "my playground's config" to a class: it reads the last
 * config this browser's playground showed outside a class, kept here.
 * @param {Config} config
 */
function rememberTeacherConfig(config) {
  if (new URLSearchParams(location.search).has('room')) return;
  try {
    localStorage.setItem(TEACHER_CONFIG_KEY, JSON.stringify(restorable(config)));
  } catch {
    // Storage full or refused (private mode): the teacher's page says it has no config.
  }
}

/**
 * The context every view receives (docs/web.md).
 * @type {import('./state.js').ViewContext}
 */
const ctx = {
  store,
  landing,
  send: (message) => socket.send(message),
  request: (message) => socket.request(message),
  configure: (partial) => socket.send({ type: 'configure', config: /** @type {Config} */ (partial) }),
  t: i18n.t,
  i18n: {
    register: i18n.register,
    get lang() { return i18n.lang; },
    /** Switches the language: every view re-labels itself on the next frame. */
    setLang(/** @type {string} */ lang) {
      i18n.setLang(lang);
      document.documentElement.lang = lang;
      history.replaceState(history.state, '', urlWithLang(lang, location.search) + location.hash);
      relabelPage();
      store.set('lang', lang);
    },
    missing: i18n.missing,
  },
};

/** The page's own labels (the views label themselves). */
function relabelPage() {
  applyLabels(/** @type {HTMLElement} */ (document.querySelector('.brand')), i18n.t);
  document.title = i18n.t('app.documentTitle', { title: i18n.t('app.title'), tagline: i18n.t('app.tagline') });
}

/** @type {Array<{name: string, view: import('./state.js').View, fresh: boolean, failed: boolean}>} */
const mounted = [];

store.onRender((state, changed) => {
  probe.paints += 1;
  if (changed.has('presenter')) {
    // Presenter mode is the page's layout (style.css, body.presenter); the views then measure
    // their new room in this same frame.
    document.body.classList.toggle('presenter', state.presenter);
    window.dispatchEvent(new Event('resize'));
  }
  if (changed.has('frame')) probe.framePaints += 1;
  /** @type {Set<string> | null} */ let all = null;
  for (const entry of mounted) {
    if (entry.failed) continue;
    let keys = changed;
    if (entry.fresh) {
      all ??= new Set(Object.keys(state));
      keys = all;
      entry.fresh = false;
    }
    try {
      const start = performance.now();
      entry.view.update(state, keys);
      probe.viewMs[entry.name] = (probe.viewMs[entry.name] ?? 0) + performance.now() - start;
    } catch (error) {
      entry.failed = true;
      console.error(error);
      store.addError({ type: 'error', code: 'internal', field: null, local: true, message: i18n.t('app.viewFailed', { view: entry.name, message: String(error) }) });
    }
  }
  // Drawn: the server may send the next frame (docs/protocol.md, flow control).
  if (changed.has('frame')) state.frame?.ack?.();
});
// A tab hidden before it drew its latest frame would never acknowledge it. While no one sees
// the page, the server sends a frame a second, enough to keep the loss history whole.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) store.state.frame?.ack?.();
  if (store.state.connection === 'open') socket.send({ type: 'visibility', visible: !document.hidden });
});

document.documentElement.lang = i18n.lang;
relabelPage();

// Presenter mode fits the first screen below the top bar, whose height varies with the font,
// the language and the window: the CSS reads it from --topbar-h.
const topbar = document.querySelector('.topbar');
if (topbar) {
  new ResizeObserver(() => {
    document.documentElement.style.setProperty('--topbar-h', `${Math.ceil(topbar.getBoundingClientRect().height)}px`);
  }).observe(topbar);
}

// Views load in parallel; one that fails to load is reported, and the others still run.
await Promise.all(VIEWS.map(async ([selector, path, name]) => {
  const container = document.querySelector(selector);
  if (!(container instanceof HTMLElement)) return;
  try {
    const module = await import(path);
    const view = module[name](container, ctx);
    mounted.push({ name, view, fresh: true, failed: false });
    store.touch('lang');
  } catch (error) {
    console.error(error);
    store.addError({ type: 'error', code: 'internal', field: null, local: true, message: i18n.t('app.viewFailed', { view: name, message: String(error) }) });
  }
}));
