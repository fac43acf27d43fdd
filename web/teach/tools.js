// @ts-check
/**
 * The teacher's tools beside the gallery: push an experiment, the teacher's own config or an
 * exercise (and count the answers), lock controls, run a challenge, and its leaderboard. Each sends one teacher message (the key is
 * added by `deps.send`); the server's `room_ack` says how it went.
 */
import { formatLoss, formatPercent, nameLabel } from '../i18n.js';
import { h } from '../dom.js';
import { challengeText, LOCKABLE, METRICS } from '../rooms/strings.js';

/** The exercise kinds a teacher can push (web/exercises.js). */
const EXERCISES = ['shapes', 'params', 'forward', 'output'];

/** localStorage key where the playground keeps its config for this page (main.js). */
export const TEACHER_CONFIG_KEY = 'nnp.teacherConfig';

/** The config the playground open in this browser last showed, or null. */
export function teacherConfig() {
  try {
    const text = localStorage.getItem(TEACHER_CONFIG_KEY);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * @param {HTMLElement} root  the room's part of the page
 * @param {{
 *   t: (key: string, params?: Record<string, unknown>) => string,
 *   send: (message: {type: string, [key: string]: any}) => number,
 *   nameOf?: (id: string, name: string) => string,
 *   topRows?: () => number | null,
 * }} deps  `nameOf`: how the leaderboard names a student (the anonymize setting);
 *   `topRows`: how many of its rows to show (null: all)
 */
export function mountTools(root, deps) {
  const { t } = deps;
  const q = (/** @type {string} */ id) => /** @type {any} */ (root.querySelector(`[data-testid="${id}"]`));
  const pushList = /** @type {HTMLElement} */ (q('push-list'));
  const pushStatus = /** @type {HTMLElement} */ (q('push-status'));
  const lockBox = /** @type {HTMLElement} */ (q('locks'));
  const lockStatus = /** @type {HTMLElement} */ (q('lock-status'));
  const datasetSel = /** @type {HTMLSelectElement} */ (q('challenge-dataset'));
  const metricSel = /** @type {HTMLSelectElement} */ (q('challenge-metric'));
  const stopBtn = /** @type {HTMLButtonElement} */ (q('challenge-stop'));
  const board = /** @type {HTMLElement} */ (q('board'));
  const rowsEl = /** @type {HTMLElement} */ (board.querySelector('tbody'));

  /** @type {any} */ let catalog = null;
  /** @type {string[]} */ let locked = [];
  /** @type {any} */ let challenge = null;
  /** @type {any} */ let leaderboard = null;
  /** The exercise pushed last ({id, kind, seed}), and the gallery's students. */
  /** @type {any} */ let exercise = null;
  /** @type {any[]} */ let students = [];
  let showNames = false;
  const exerciseKind = /** @type {HTMLSelectElement} */ (q('push-exercise-kind'));
  /**
   * A stopped challenge and its last leaderboard, kept on the page (the final standings)
   * until the teacher dismisses them or starts another challenge.
   * @type {{challenge: any, leaderboard: any} | null}
   */
  let final = null;
  const finalNote = h('div', { class: 'board-final', 'data-testid': 'challenge-final', hidden: '' });
  const finalText = h('p', { class: 'board-final-text' });
  const dismissBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'challenge-final-dismiss' });
  finalNote.append(finalText, dismissBtn);
  q('board-challenge').after(finalNote);
  dismissBtn.addEventListener('click', () => {
    final = null;
    renderBoard();
  });
  /** What each pending message was, to word its `room_ack`. */
  /** @type {Map<number, string>} */ const pending = new Map();

  for (const name of LOCKABLE) {
    const box = h('input', { type: 'checkbox', value: name, 'data-testid': `lock-${name}` });
    lockBox.append(h('label', { class: 'check' }, [box, h('span', { 'data-lock-label': name })]));
  }

  q('push-config').addEventListener('click', () => {
    const config = teacherConfig();
    if (!config) {
      pushStatus.textContent = t('teach.push.noConfig');
      return;
    }
    pending.set(deps.send({ type: 'room_push', config }), 'push');
  });
  q('push-exercise').addEventListener('click', () => {
    pending.set(deps.send({ type: 'room_push', exercise: exerciseKind.value }), 'push');
  });
  q('exercise-who').addEventListener('click', () => {
    showNames = !showNames;
    renderTally();
  });
  q('lock').addEventListener('click', () => {
    const controls = [...lockBox.querySelectorAll('input:checked')].map((box) => /** @type {HTMLInputElement} */ (box).value);
    pending.set(deps.send({ type: 'room_lock', controls }), 'lock');
    locked = controls;
  });
  /** @type {HTMLFormElement} */ (q('challenge-form')).addEventListener('submit', (event) => {
    event.preventDefault();
    const positive = (/** @type {string} */ id) => {
      const n = Number(/** @type {HTMLInputElement} */ (q(id)).value);
      return Number.isInteger(n) && n > 0 ? n : null;
    };
    const title = /** @type {HTMLInputElement} */ (q('challenge-title')).value.trim();
    challenge = {
      dataset: { name: datasetSel.value },
      max_params: positive('challenge-max-params'),
      max_epochs: positive('challenge-max-epochs'),
      metric: metricSel.value,
      ...(title ? { title } : {}),
    };
    pending.set(deps.send({ type: 'room_challenge', ...challenge }), 'challenge');
    final = null;
    stopBtn.disabled = false;
    render();
  });
  stopBtn.addEventListener('click', () => {
    pending.set(deps.send({ type: 'room_challenge', stop: true }), 'challenge');
    if (challenge) final = { challenge, leaderboard };
    challenge = null;
    leaderboard = null;
    stopBtn.disabled = true;
    render();
  });

  function buildPushes() {
    const experiments = catalog?.experiments ?? [];
    const buttons = experiments.map((/** @type {any} */ e) => {
      const b = h('button', { type: 'button', class: 'btn push-experiment', 'data-testid': `push-experiment-${e.name}`, 'data-name': e.name });
      b.addEventListener('click', () => {
        pending.set(deps.send({ type: 'room_push', experiment: e.name }), 'push');
      });
      return b;
    });
    pushList.replaceChildren(...buttons);
  }

  function fillSelect(/** @type {HTMLSelectElement} */ select, /** @type {string[]} */ values, /** @type {(v: string) => string} */ label) {
    const value = select.value;
    select.replaceChildren(...values.map((v) => new Option(label(v), v)));
    if (values.includes(value)) select.value = value;
  }

  function render() {
    for (const b of pushList.querySelectorAll('button')) {
      const name = /** @type {HTMLElement} */ (b).dataset.name ?? '';
      const key = `exp.${name}.title`;
      b.textContent = t(key) === key ? name : t(key);
    }
    for (const span of lockBox.querySelectorAll('[data-lock-label]')) {
      span.textContent = t(`room.lock.${/** @type {HTMLElement} */ (span).dataset.lockLabel}`);
    }
    const datasets = (catalog?.datasets ?? []).map((/** @type {any} */ d) => d.name).filter((/** @type {string} */ n) => n !== 'custom');
    fillSelect(datasetSel, datasets, (name) => nameLabel(t, name));
    fillSelect(metricSel, METRICS, (m) => t(`room.metric.${m}`));
    fillSelect(exerciseKind, EXERCISES, (kind) => t(`teach.exercise.kind.${kind}`));
    renderBoard();
    renderTally();
  }

  /** How many answered the pushed exercise and how many were right; names only on request. */
  function renderTally() {
    const tally = /** @type {HTMLElement} */ (q('exercise-tally'));
    const who = /** @type {HTMLButtonElement} */ (q('exercise-who'));
    const names = /** @type {HTMLElement} */ (q('exercise-names'));
    const answers = exercise ? students.filter((s) => s.exercise?.id === exercise.id) : [];
    tally.textContent = exercise ? t('teach.exercise.tally', {
      answered: answers.length, n: students.length, right: answers.filter((s) => s.exercise.verdict === 'right').length,
    }) : '';
    who.hidden = !exercise;
    who.textContent = t(showNames ? 'teach.exercise.hideWho' : 'teach.exercise.who');
    names.hidden = !exercise || !showNames;
    names.replaceChildren(...answers.map((s) => h('li', { text: t(`teach.exercise.${s.exercise.verdict === 'right' ? 'right' : 'wrong'}`, { name: String(s.name) }) })));
  }

  function renderBoard() {
    const shown = challenge ? { challenge, leaderboard } : final;
    board.hidden = !shown;
    board.dataset.final = String(!challenge && Boolean(final));
    finalNote.hidden = Boolean(challenge) || !final;
    if (!shown) return;
    finalText.textContent = t('teach.board.final');
    dismissBtn.textContent = t('teach.board.dismiss');
    q('board-challenge').textContent = challengeText(t, shown.challenge, (name) => nameLabel(t, name));
    const metric = shown.challenge.metric ?? 'test_accuracy';
    const rows = (shown.leaderboard?.rows ?? []).map((/** @type {any} */ row) => {
      const tr = document.createElement('tr');
      tr.dataset.testid = `leaderboard-row-${row.rank}`;
      tr.dataset.student = String(row.student);
      tr.dataset.name = String(row.name);
      tr.dataset.score = row.score === null || row.score === undefined ? '' : String(row.score);
      tr.dataset.eligible = String(row.eligible !== false);
      const score = typeof row.score !== 'number' ? '–'
        : metric === 'test_loss' ? formatLoss(row.score) : formatPercent(row.score, 1);
      const name = deps.nameOf ? deps.nameOf(String(row.student), String(row.name)) : String(row.name);
      const cells = [String(row.rank), name, score, String(row.params ?? '–'), String(row.epoch ?? 0)];
      tr.replaceChildren(...cells.map((text, i) => (i === 1 ? h('th', { scope: 'row', text }) : h('td', { text }))));
      if (row.eligible === false) {
        tr.classList.add('over');
        tr.children[1].append(h('span', { class: 'over-note', text: ` (${t('teach.board.over')})` }));
      }
      return tr;
    });
    const top = deps.topRows?.() ?? null;
    const more = /** @type {HTMLElement} */ (q('board-more'));
    more.hidden = top === null || rows.length <= top;
    if (!more.hidden) more.textContent = t('teach.board.top', { n: top, total: rows.length });
    rowsEl.replaceChildren(...(top === null ? rows : rows.slice(0, top)));
  }

  return {
    /** @param {any} next */
    setCatalog(next) {
      catalog = next;
      buildPushes();
      render();
    },
    relabel: render,
    /** Draws the leaderboard again (the number of rows to show changed). */
    redrawBoard: renderBoard,
    /** The running challenge, or null. */
    get challenge() {
      return challenge;
    },
    /**
     * The room as the server knows it (on create or resume).
     * @param {any} state
     */
    restore(state) {
      locked = state?.locks ?? locked;
      for (const box of lockBox.querySelectorAll('input')) {
        /** @type {HTMLInputElement} */ (box).checked = locked.includes(/** @type {HTMLInputElement} */ (box).value);
      }
      if (state && 'challenge' in state) {
        challenge = state.challenge ?? null;
        stopBtn.disabled = !challenge;
      }
      render();
    },
    /** @param {any[]} cards  the gallery's student cards */
    gallery(cards) {
      students = cards;
      renderTally();
    },
    /** @param {any} message  room_leaderboard */
    leaderboard(message) {
      // One sent before the stop reached the server: the final standings stay as they were.
      if (final && !challenge) return;
      leaderboard = message;
      if (message.challenge) challenge = message.challenge;
      stopBtn.disabled = !challenge;
      renderBoard();
    },
    /**
     * Words the answer to one of this panel's messages; false when it was not one.
     * @param {any} ack
     */
    ack(ack) {
      const what = pending.get(ack.id);
      if (!what) return false;
      pending.delete(ack.id);
      if (what === 'push') {
        if (ack.exercise) {
          exercise = ack.exercise;
          showNames = false;
          renderTally();
        }
        const n = ack.delivered ?? 0;
        pushStatus.textContent = n === 0 ? t('teach.push.deliveredNone')
          : n === 1 ? t('teach.push.deliveredOne') : t('teach.push.delivered', { n });
      }
      if (what === 'lock') {
        lockStatus.textContent = locked.length
          ? t('teach.lock.done', { controls: LOCKABLE.filter((n) => locked.includes(n)).map((n) => t(`room.lock.${n}`)).join(', ') })
          : t('teach.lock.none');
      }
      return true;
    },
    /**
     * Forgets a message the server refused.
     * @param {any} id
     */
    refused(id) {
      pending.delete(id);
    },
  };
}
