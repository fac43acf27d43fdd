// @ts-check
/**
 * The teacher's page (`/teach`): opens a class on its own websocket session (which never
 * trains), shows the join code, link and QR code, the live gallery of students, the spotlight,
 * and the push, lock and challenge tools. The class's key lives only in this tab's
 * sessionStorage: a reload, or a dropped connection, resumes the class with `room_create`
 * {code, key}. See docs/classroom.md.
 */
import { ERROR_STRINGS, errorText } from '../errors.js';
import { DATA_STRINGS } from '../data/strings.js';
import { applyLabels, browserLanguage, createI18n } from '../i18n.js';
import { STRINGS as COACH_STRINGS } from '../lessons/coach.js';
import { STRINGS as EXP_STRINGS } from '../lessons/experiments.js';
import { STRINGS as ROOM_STRINGS } from '../rooms/strings.js';
import { connectSocket, socketUrl } from '../socket.js';
import { langFromUrl, urlWithLang } from '../url.js';
import { mountGallery, SORT_KEYS } from './gallery.js';
import { mountMosaic } from './mosaic.js';
import { createNamer, NAME_MODES } from './names.js';
import { mountLargeMode, mountSpotlight } from './spotlight.js';
import { STRINGS } from './strings.js';
import { mountSummary, pickTest, summaryMetric } from './summary.js';
import { mountTools } from './tools.js';
import { mountClassTools } from './classroom.js';

/** sessionStorage: the open class's code, and its key under a name with the code. */
const CODE_KEY = 'nnp.teach.code';
const keyName = (/** @type {string} */ code) => `nnp.teach.key.${code}`;
/** sessionStorage: the teacher's choice of view ("mosaic" or "cards") and of names. */
const VIEW_KEY = 'nnp.teach.view';
const NAMES_KEY = 'nnp.teach.names';
/** Until the teacher picks a view: the cards for a small class, the mosaic past this many. */
const AUTO_MOSAIC = 12;

const i18n = createI18n(langFromUrl(location.search) ?? browserLanguage(navigator.languages ?? [navigator.language]));
for (const table of [STRINGS, ROOM_STRINGS, ERROR_STRINGS, COACH_STRINGS, EXP_STRINGS, DATA_STRINGS]) i18n.register(table);
const t = i18n.t;

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.querySelector(`[data-testid="${id}"]`));
const createBox = /** @type {HTMLElement} */ ($('create'));
const roomBox = /** @type {HTMLElement} */ ($('room'));
const errorEl = /** @type {HTMLElement} */ ($('error'));
const eventsEl = /** @type {HTMLElement} */ ($('events'));
const spotBox = /** @type {HTMLElement} */ ($('spotlight'));
const sortSel = /** @type {HTMLSelectElement} */ ($('gallery-sort'));
const namesSel = /** @type {HTMLSelectElement} */ ($('anonymize'));
const wrapEl = /** @type {HTMLElement} */ ($('gallery-wrap'));
const mosaicEl = /** @type {HTMLElement} */ ($('gallery-mosaic'));
const cardsEl = /** @type {HTMLElement} */ ($('gallery'));
const summaryEl = /** @type {HTMLElement} */ ($('class-summary'));

/** @type {{code: string, key: string, title: string, joinPath: string} | null} */ let room = null;
/** The id of the `room_create` waiting for its answer, and whether it resumes a class. */
/** @type {{id: number, resume: boolean} | null} */ let creating = null;
/** @type {number | null} */ let closing = null;
let count = 0;
/** The latest gallery's cards. */
/** @type {any[]} */ let cards = [];
/** The teacher's choice of view, or null (then AUTO_MOSAIC decides). */
/** @type {string | null} */ let viewChoice = sessionStorage.getItem(VIEW_KEY);
/** The summary's pressed bar or count, and the histogram's metric it was pressed under. */
/** @type {{kind: string, code: string} | null} */ let pick = null;
let pickMetric = '';
/** Whether `/api/catalog` answered (else hello's catalog fills the push buttons). */
let catalogFetched = false;

/** What the tests and the bench read. */
const probe = {
  gallery: 0,
  frames: 0,
  /** Milliseconds the last gallery took to draw (cards, mosaic and summary). */
  drawMs: 0,
  /** "mosaic" or "cards". */
  get view() { return currentView(); },
  get room() { return room ? { code: room.code } : null; },
  /** The epoch of the last frame the spotlight drew, or null. */
  spotlightEpoch: () => spotlight.epoch,
};
/** @type {any} */ (window).__teach = probe;

const socket = connectSocket({
  url: socketUrl(location),
  onOpen: () => setConnection('open'),
  onClose: () => setConnection('closed'),
  onMessage: receive,
  onFrame(frame) {
    // The teacher's own session never trains and is not drawn: its frames are acknowledged
    // at once, or the server would soon hold this page's messages (docs/protocol.md, flow
    // control). A spotlit student's frame is the student's: only its page acknowledges it.
    if (frame.header.spotlight === undefined) {
      frame.ack?.();
      return;
    }
    probe.frames += 1;
    spotlight.frame(frame);
  },
  onDecodeError(error) {
    showError({ local: true, message: error.message });
  },
});

/**
 * Sends a teacher message with the class's key.
 * @param {{type: string, [key: string]: any}} message
 */
function send(message) {
  return socket.send(/** @type {import('../types/protocol').Outgoing} */ (room ? { ...message, key: room.key } : message));
}

const namer = createNamer(t);
namer.setMode(sessionStorage.getItem(NAMES_KEY) ?? 'shown');
const gallery = mountGallery(cardsEl, {
  t,
  onSpotlight: (id) => send({ type: 'room_spotlight', student: id }),
  onHide: (id, hidden) => send({ type: 'room_hide', student: id, hidden }),
  onRemove: (id) => send({ type: 'room_remove', student: id }),
});
const mosaic = mountMosaic(mosaicEl, {
  t,
  namer,
  onSpotlight: (id) => send({ type: 'room_spotlight', student: id }),
});
const summary = mountSummary(summaryEl, { t, onPick: setPick });
/** Over the mosaic, the leaderboard's first rows: the whole class stays on the screen. */
const MOSAIC_BOARD_ROWS = 3;
const tools = mountTools(roomBox, {
  t,
  send,
  nameOf: (id, name) => namer.label(id, name),
  topRows: () => (currentView() === 'mosaic' ? MOSAIC_BOARD_ROWS : null),
});
const classTools = mountClassTools($('class-tools'), {
  t,
  send,
  nameOf: (id, name) => namer.label(id, name),
});
const spotlight = mountSpotlight(spotBox, {
  t,
  i18n: {
    register: i18n.register,
    get lang() { return i18n.lang; },
    setLang: setLang,
    missing: i18n.missing,
  },
});
const largeMode = mountLargeMode(spotBox, /** @type {HTMLButtonElement} */ ($('spotlight-fullscreen')));

/** @param {any} message */
function receive(message) {
  switch (message.type) {
    case 'hello':
      spotlight.hello(message);
      if (!catalogFetched) tools.setCatalog(message.catalog);
      resume();
      socket.flushQueue();
      break;
    case 'room_created':
      creating = null;
      openRoom(message);
      break;
    case 'room_gallery':
    {
      probe.gallery += 1;
      // A gallery comes only from a store that answers: an outage's notice is over.
      if (errorEl.dataset.code === 'rooms_unavailable') showError(null);
      const started = performance.now();
      count = Number(message.count ?? message.students?.length ?? 0);
      cards = message.students ?? [];
      gallery.update(cards);
      tools.gallery(cards);
      classTools.gallery(message);
      mosaic.update(cards);
      renderSummary();
      renderView();
      renderCount();
      probe.drawMs = performance.now() - started;
      break;
    }
    case 'room_leaderboard':
      tools.leaderboard(message);
      renderSummary();
      break;
    case 'room_spotlight':
      showSpotlight(message);
      break;
    case 'room_record':
      classTools.record(message);
      break;
    case 'room_event':
      eventsEl.textContent = t(`teach.event.${message.event}`, { name: String(message.name ?? '') });
      break;
    case 'room_ack':
      if (message.id === closing) closed();
      else if (!classTools.ack(message)) tools.ack(message);
      break;
    case 'error':
      refused(message);
      break;
    default:
      break;
  }
}

/** After every `hello` (a new session): resume the class this tab opened, if any. */
function resume() {
  const code = sessionStorage.getItem(CODE_KEY);
  const key = code ? sessionStorage.getItem(keyName(code)) : null;
  if (code && key) {
    creating = { id: socket.send({ type: 'room_create', code, key }), resume: true };
  } else {
    render();
  }
}

/** @param {any} message  room_created */
function openRoom(message) {
  room = { code: message.code, key: message.key, title: message.title ?? '', joinPath: message.join_path ?? `/?room=${message.code}` };
  sessionStorage.setItem(CODE_KEY, room.code);
  sessionStorage.setItem(keyName(room.code), room.key);
  const url = new URL(room.joinPath, location.origin);
  const link = $('room-join-link');
  link.href = url.href;
  link.textContent = `${url.host}${url.pathname}${url.search}`;
  $('room-code').textContent = room.code;
  $('room-title').textContent = room.title;
  $('room-qr').src = `/api/rooms/${encodeURIComponent(room.code)}/qr.svg?base=${encodeURIComponent(location.origin)}`;
  tools.restore(message);
  render();
}

function closed() {
  closing = null;
  if (room) sessionStorage.removeItem(keyName(room.code));
  sessionStorage.removeItem(CODE_KEY);
  room = null;
  count = 0;
  cards = [];
  pick = null;
  gallery.clear();
  mosaic.clear();
  hideSpotlight();
  $('create-notice').textContent = t('teach.room.closed');
  $('create-notice').hidden = false;
  render();
}

/**
 * An error from the server: a failed resume starts over, anything else is shown.
 * @param {any} error
 */
function refused(error) {
  if (creating && error.id === creating.id && creating.resume) {
    creating = null;
    const code = sessionStorage.getItem(CODE_KEY);
    if (code) sessionStorage.removeItem(keyName(code));
    sessionStorage.removeItem(CODE_KEY);
    room = null;
    $('create-notice').textContent = t('teach.create.lost');
    $('create-notice').hidden = false;
    render();
    return;
  }
  if (creating && error.id === creating.id) creating = null;
  if (!classTools.refused(error.id)) tools.refused(error.id);
  showError(error);
}

function showError(/** @type {any} */ error) {
  errorEl.hidden = !error;
  errorEl.dataset.code = error?.code ?? '';
  errorEl.textContent = error ? errorText(t, error) : '';
}

/** @param {any} message  room_spotlight */
function showSpotlight(message) {
  spotlight.receive(message);
  if (message.student === null || message.student === undefined) {
    hideSpotlight();
    return;
  }
  const opening = spotBox.hidden;
  spotBox.hidden = false;
  // Opened from a card further down: the teacher (and the projector) see it at once.
  if (opening) spotBox.scrollIntoView({ block: 'start' });
  spotBox.dataset.student = String(message.student);
  const name = String(message.name ?? gallery.nameOf(String(message.student)) ?? '');
  spotBox.dataset.name = name;
  renderSpotlightName();
  gallery.view({ spotlit: String(message.student) });
  mosaic.view({ spotlit: String(message.student) });
}

/** The spotlight's heading and note, with the student's projected name (anonymize). */
function renderSpotlightName() {
  if (spotBox.hidden) return;
  const name = namer.label(spotBox.dataset.student ?? '', spotBox.dataset.name ?? '');
  $('spotlight-name').textContent = t('teach.spot.heading', { name });
  $('spotlight-note').textContent = t('teach.spot.readOnly', { name });
}

function hideSpotlight() {
  largeMode.leave();
  spotlight.end();
  spotBox.hidden = true;
  delete spotBox.dataset.student;
  gallery.view({ spotlit: null });
  mosaic.view({ spotlit: null });
}

/** "mosaic" or "cards": the teacher's choice, else the cards for a small class. */
function currentView() {
  if (viewChoice === 'mosaic' || viewChoice === 'cards') return viewChoice;
  return count > AUTO_MOSAIC ? 'mosaic' : 'cards';
}

function renderView() {
  const view = currentView();
  const mosaicOn = view === 'mosaic' && cards.length > 0;
  if (wrapEl.dataset.view !== view) {
    wrapEl.dataset.view = view;
    tools.redrawBoard();
  }
  $('view-mosaic').setAttribute('aria-pressed', String(view === 'mosaic'));
  $('view-cards').setAttribute('aria-pressed', String(view === 'cards'));
  mosaicEl.hidden = !mosaicOn;
  cardsEl.hidden = view !== 'cards';
  gallery.view({ active: view === 'cards' });
  mosaic.view({ active: mosaicOn });
}

/** @param {string} view */
function setView(view) {
  viewChoice = view;
  sessionStorage.setItem(VIEW_KEY, view);
  renderView();
}

/**
 * The class summary of the projected students (the teacher-hidden ones only when shown), and
 * its pressed bar or count applied to both views.
 */
function renderSummary() {
  const showHidden = /** @type {HTMLInputElement} */ ($('gallery-show-hidden')).checked;
  const projected = cards.filter((card) => showHidden || !card.hidden);
  const metric = summaryMetric(cards, tools.challenge);
  if (pick && pick.kind === 'bin' && metric !== pickMetric) pick = null;
  summary.setPick(pick);
  summary.update(projected, metric);
  const test = pick ? pickTest(pick, metric) : null;
  gallery.view({ pick: test });
  mosaic.view({ pick: test });
  const pickBox = $('summary-pick');
  pickBox.hidden = !pick;
  if (pick) {
    const shown = projected.filter(/** @type {(card: any) => boolean} */ (test)).length;
    pickBox.querySelector('.summary-pick-text').textContent = t('teach.summary.picked', { n: shown, total: projected.length });
  }
}

/** @param {{kind: string, code: string} | null} next */
function setPick(next) {
  pick = next;
  pickMetric = summary.metric;
  renderSummary();
  mosaic.refit();
}

function renderCount() {
  $('gallery-count').textContent = count === 0 ? t('teach.room.noStudents')
    : count === 1 ? t('teach.room.student') : t('teach.room.students', { n: count });
  $('gallery-count').dataset.count = String(count);
  $('gallery-empty').hidden = gallery.size > 0;
}

function setConnection(/** @type {string} */ state) {
  const el = $('connection');
  el.dataset.state = state;
  el.querySelector('.connection-text').textContent = t(`teach.connection.${state}`);
}

function render() {
  applyLabels(document.body, t, () => false);
  document.title = t('teach.title');
  createBox.hidden = Boolean(room);
  roomBox.hidden = !room;
  $('room-qr').alt = t('teach.room.qr');
  const sort = sortSel.value || 'name';
  sortSel.replaceChildren(...SORT_KEYS.map((key) => new Option(t(`teach.gallery.sort.${key}`), key)));
  sortSel.value = sort;
  const names = namer.mode;
  namesSel.replaceChildren(...NAME_MODES.map((mode) => new Option(t(`teach.names.${mode}`), mode)));
  namesSel.value = names;
  $('view-switch').setAttribute('aria-label', t('teach.view.label'));
  summaryEl.setAttribute('aria-label', t('teach.summary.heading'));
  setConnection($('connection').dataset.state);
  renderCount();
  tools.relabel();
  classTools.relabel();
  gallery.view({});
  mosaic.view({});
  renderSummary();
  renderView();
  renderSpotlightName();
}

function setLang(/** @type {string} */ lang) {
  i18n.setLang(lang);
  document.documentElement.lang = lang;
  history.replaceState(history.state, '', urlWithLang(lang, location.search));
  spotlight.setLang(lang);
  render();
}

/** @type {HTMLFormElement} */ (createBox.querySelector('form')).addEventListener('submit', (event) => {
  event.preventDefault();
  const title = /** @type {HTMLInputElement} */ ($('room-title-input')).value.trim();
  $('create-notice').hidden = true;
  showError(null);
  creating = { id: socket.send(title ? { type: 'room_create', title } : { type: 'room_create' }), resume: false };
});
/**
 * "Close the class" asks first: closing ends the class for every student at once and its code
 * stops working. The dialog says how many students are in it; Cancel (or Escape) keeps it.
 */
function mountCloseConfirm() {
  const dialog = document.createElement('dialog');
  dialog.className = 'room-dialog close-dialog';
  dialog.dataset.testid = 'close-confirm';
  dialog.setAttribute('aria-labelledby', 'close-heading');
  const heading = document.createElement('h2');
  heading.id = 'close-heading';
  const text = document.createElement('p');
  const actions = document.createElement('div');
  actions.className = 'room-actions';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'btn';
  cancel.dataset.testid = 'close-confirm-cancel';
  const confirm = document.createElement('button');
  confirm.type = 'button';
  confirm.className = 'btn btn-danger';
  confirm.dataset.testid = 'close-confirm-yes';
  actions.append(cancel, confirm);
  dialog.append(heading, text, actions);
  document.body.append(dialog);
  cancel.addEventListener('click', () => dialog.close());
  confirm.addEventListener('click', () => {
    dialog.close();
    if (room) closing = send({ type: 'room_close' });
  });
  return () => {
    heading.textContent = t('teach.close.heading');
    text.textContent = t(count === 0 ? 'teach.close.textNone' : count === 1 ? 'teach.close.textOne' : 'teach.close.text', { n: count });
    cancel.textContent = t('teach.close.cancel');
    confirm.textContent = t('teach.room.close');
    dialog.showModal();
    cancel.focus();
  };
}
const askClose = mountCloseConfirm();
$('room-close').addEventListener('click', askClose);
$('spotlight-close').addEventListener('click', () => {
  send({ type: 'room_spotlight', student: null });
  hideSpotlight();
});
$('lang').addEventListener('click', () => setLang(i18n.lang === 'fr' ? 'en' : 'fr'));
sortSel.addEventListener('change', () => {
  gallery.view({ sort: sortSel.value });
  mosaic.view({ sort: sortSel.value });
});
$('gallery-filter').addEventListener('input', () => {
  gallery.view({ filter: $('gallery-filter').value });
  mosaic.view({ filter: $('gallery-filter').value });
});
$('gallery-show-hidden').addEventListener('change', () => {
  const showHidden = $('gallery-show-hidden').checked;
  gallery.view({ showHidden });
  mosaic.view({ showHidden });
  renderSummary();
});
$('view-mosaic').addEventListener('click', () => setView('mosaic'));
$('view-cards').addEventListener('click', () => setView('cards'));
$('summary-clear').addEventListener('click', () => setPick(null));
namesSel.addEventListener('change', () => {
  namer.setMode(namesSel.value);
  sessionStorage.setItem(NAMES_KEY, namer.mode);
  mosaic.view({});
  tools.relabel();
  classTools.relabel();
  renderSpotlightName();
});
// The space above the mosaic changes with the summary, the leaderboard and the spotlight.
const above = new ResizeObserver(() => mosaic.refit());
for (const el of [summaryEl, $('board'), spotBox, wrapEl.querySelector('.gallery-head')]) above.observe(el);

// The catalog's experiments, for the push buttons (hello carries it too, on every session).
fetch('/api/catalog').then((response) => (response.ok ? response.json() : null)).then((catalog) => {
  if (!catalog) return;
  catalogFetched = true;
  tools.setCatalog(catalog);
}).catch(() => {});

document.documentElement.lang = i18n.lang;
render();
