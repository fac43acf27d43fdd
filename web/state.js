// @ts-check
/**
 * The store: the latest server state (AppState, see docs/web.md) and the set of keys changed
 * since the last draw. Every change schedules one requestAnimationFrame; that frame hands the
 * merged changes to the renderer, so many messages between two paints cost one redraw.
 */

/** History rows kept before older ones are thinned to every other row. */
const HISTORY_LIMIT = 4000;

/**
 * The server's messages as the page holds them (web/types/protocol.d.ts, `make types`).
 * @typedef {import('./types/protocol').HelloMessage} HelloMessage
 * @typedef {import('./types/protocol').Catalog} Catalog
 * @typedef {import('./types/protocol').Config} Config
 * @typedef {import('./types/protocol').DataMessage} DataMessage
 * @typedef {import('./types/protocol').StatusMessage} StatusMessage
 * @typedef {import('./types/protocol').InspectionMessage} InspectionMessage
 * @typedef {import('./types/protocol').ExportPayload} ExportPayload
 * @typedef {import('./types/protocol').ErrorMessage} ErrorMessage
 * @typedef {import('./types/protocol').SearchTrialMessage | import('./types/protocol').SearchProgressMessage} SearchMessage
 * @typedef {import('./types/protocol').RoomJoinedMessage | import('./types/protocol').RoomLeftMessage
 *   | import('./types/protocol').RoomStateMessage | import('./types/protocol').RoomPushed
 *   | import('./types/protocol').RoomClosedMessage | import('./types/protocol').RoomWaitingReply} RoomMessage
 * @typedef {{epoch: number} & Partial<import('./types/protocol').Metrics>} HistoryRow
 *   One row of the loss history: a frame's epoch and metrics.
 * @typedef {ErrorMessage | {type: 'error', code: string, message: string, field: string | null,
 *   id?: number | string | null, local?: boolean}} PageError
 *   A server's error, or one the page makes (`local`: a request the socket gave up on).
 */

/**
 * @typedef {{
 *   connection: 'connecting' | 'open' | 'closed',
 *   hello: HelloMessage | null, catalog: Catalog | null, config: Config | null,
 *   data: DataMessage | null, status: StatusMessage | null,
 *   frame: import('./frame.js').Frame | null,
 *   history: HistoryRow[],
 *   errors: PageError[], lang: string, inspection: InspectionMessage | null,
 *   configId: number | string | null, exported: ExportPayload | null,
 *   searchInbox: SearchMessage[], roomInbox: RoomMessage[],
 *   searchRequest: {preset: string, trials: number, epochs: number} | null,
 *   experimentRequest: {name: string, variant: string | null, seq: number} | null,
 *   exerciseRequest: {id: string, kind: string, seed: number} | null,
 *   locked: ReadonlySet<string>, readOnly: boolean, presenter: boolean,
 * }} AppState
 */

/**
 * @param {{lang: string, schedule?: (fn: () => void) => void}} options
 */
export function createStore({ lang, schedule = (fn) => requestAnimationFrame(fn) }) {
  /** @type {AppState} */
  const state = {
    connection: 'connecting',
    hello: null,
    catalog: null,
    config: null,
    data: null,
    status: null,
    frame: null,
    history: [],
    errors: [],
    lang,
    inspection: null,
    configId: null,
    exported: null,
    /** search_trial and search_progress messages not yet read by the Search panel. */
    searchInbox: [],
    /** A search another view asks the Search panel to start (the seeds button of a card). */
    searchRequest: null,
    /** Room messages not yet read by the room view (rooms/student.js). */
    roomInbox: [],
    /** An experiment the teacher pushed, for the Lessons panel to apply (newest `seq`). */
    experimentRequest: null,
    /** An exercise the teacher pushed, for the Exercise panel to open. */
    exerciseRequest: null,
    /** The controls a teacher locked (names of rooms/strings.js LOCKABLE): views disable theirs. */
    locked: new Set(),
    /** Nothing to edit (the teacher's spotlight of a student): views hide their editing controls. */
    readOnly: false,
    /** Presenter mode (large type for a projector): the page's layout, and views that adapt to it. */
    presenter: false,
  };
  /** @type {Set<string>} */
  let changed = new Set();
  let scheduled = false;
  /** @type {(state: AppState, changed: Set<string>) => void} */
  let render = () => {};

  function flush() {
    scheduled = false;
    if (changed.size === 0) return;
    const keys = changed;
    changed = new Set();
    render(state, keys);
  }

  /** Marks `key` changed and makes sure one animation frame will draw it. */
  function touch(/** @type {string} */ key) {
    changed.add(key);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  }

  return {
    state,
    /**
     * @template {keyof AppState} K
     * @param {K} key
     * @param {AppState[K]} value
     */
    set(key, value) {
      state[key] = value;
      touch(key);
    },
    /** Marks a key changed after an in-place edit. */
    touch,
    /** The function that draws; called at most once per animation frame. */
    onRender(/** @type {(state: AppState, changed: Set<string>) => void} */ fn) {
      render = fn;
    },
    /** Stores a decoded frame and appends its metrics to the history. */
    addFrame(/** @type {import('./frame.js').Frame} */ frame) {
      const epoch = Number(frame.header.epoch) || 0;
      const rows = state.history;
      const last = rows.length ? rows[rows.length - 1].epoch ?? 0 : -1;
      if (epoch < last || (epoch === 0 && last > 0)) {
        state.history = [];
      }
      const history = state.history;
      // The points the server recorded between two frames (one per epoch of a step) first.
      for (const point of frame.header.history ?? []) {
        const end = history.length ? history[history.length - 1].epoch ?? -1 : -1;
        if (point.epoch > end && point.epoch < epoch) history.push({ ...point });
      }
      const tail = history.length ? history[history.length - 1] : null;
      const row = { epoch, ...frame.header.metrics };
      if (tail && tail.epoch === epoch) history[history.length - 1] = row;
      else history.push(row);
      if (history.length > HISTORY_LIMIT) {
        state.history = history.filter((_, i) => i % 2 === 0 || i >= history.length - 10);
      }
      state.frame = frame;
      touch('frame');
      touch('history');
    },
    /** Keeps the latest error messages (newest last). */
    addError(/** @type {PageError} */ error) {
      state.errors = [...state.errors.slice(-9), error];
      touch('errors');
    },
    /** Draws now if anything changed (tests and benchmarks). */
    flush,
  };
}

/** @typedef {ReturnType<typeof createStore>} Store */

/**
 * What main.js hands every view (docs/web.md): the store, the socket's send and request, a
 * partial config's `configure`, and the page's words.
 * @typedef {{
 *   store: Store,
 *   landing: string,
 *   send: (message: import('./types/protocol').Outgoing) => number | null,
 *   request: (message: import('./types/protocol').Outgoing) => Promise<import('./types/protocol').ServerMessage>,
 *   configure: (partial: DeepPartial<Config>) => number | null,
 *   t: (key: string, params?: Record<string, unknown>) => string,
 *   i18n: {
 *     register: (tables: Record<string, Record<string, string>>) => void,
 *     readonly lang: string,
 *     setLang: (lang: string) => void,
 *     missing: () => string[],
 *   },
 * }} ViewContext
 */

/**
 * A partial config, as `configure` merges it.
 * @template T
 * @typedef {T extends object ? T extends unknown[] ? T : {[K in keyof T]?: DeepPartial<T[K]>} : T} DeepPartial
 */

/**
 * A mounted view: main.js calls `update` with the state and the keys changed since the last draw.
 * @typedef {{update(state: AppState, changed: Set<string>): void}} View
 */
