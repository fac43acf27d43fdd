// @ts-check
/**
 * Running the class: the waiting room (joiners wait until the teacher admits or refuses them),
 * pausing every student with a message, and the session's record (the roster and the
 * challenges' standings as CSV files, the best networks as session files that the playground
 * opens like its own saved ones). Each action sends one teacher message (the key is added by
 * `deps.send`); the gallery says who waits and whether the class is paused. See
 * docs/classroom.md.
 */
import { h } from '../lessons/util.js';

/**
 * @param {HTMLElement} box  the tool's container (emptied and filled here)
 * @param {{
 *   t: (key: string, params?: Record<string, unknown>) => string,
 *   send: (message: {type: string, [key: string]: any}) => number,
 *   nameOf: (id: string, name: string) => string,
 * }} deps
 */
export function mountClassTools(box, deps) {
  const { t } = deps;
  const waitingBox = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', 'data-testid': 'waiting-room' }));
  const waitingLabel = h('span');
  const waitingList = h('ul', { class: 'waiting-list', 'data-testid': 'waiting-list' });
  const admitAll = h('button', { type: 'button', class: 'btn', 'data-testid': 'admit-all', hidden: true });
  const pauseLabel = h('span');
  const pauseInput = /** @type {HTMLInputElement} */ (h('input', { type: 'text', maxlength: 200, autocomplete: 'off', 'data-testid': 'class-pause-message' }));
  const pauseBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'class-pause' });
  const resumeBtn = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn', 'data-testid': 'class-resume', disabled: true }));
  const pauseStatus = h('p', { class: 'tool-status', 'data-testid': 'class-pause-status', role: 'status' });
  const recordBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'class-record' });
  const recordStatus = h('p', { class: 'tool-status', 'data-testid': 'record-status', role: 'status' });
  const recordLinks = h('ul', { class: 'record-links', 'data-testid': 'record-links' });
  box.replaceChildren(
    h('label', { class: 'check' }, [waitingBox, waitingLabel]),
    waitingList,
    admitAll,
    h('label', { class: 'field' }, [pauseLabel, pauseInput]),
    h('div', { class: 'row' }, [pauseBtn, resumeBtn]),
    pauseStatus,
    recordBtn,
    recordStatus,
    recordLinks,
  );

  /** @type {{id: string, name: string}[]} */ let waiting = [];
  /** @type {{message: string} | null} */ let paused = null;
  /** @type {string[]} */ let urls = [];
  /** What each pending message was. */
  /** @type {Map<number, string>} */ const pending = new Map();

  waitingBox.addEventListener('change', () => {
    pending.set(deps.send({ type: 'room_waiting', on: waitingBox.checked }), 'waiting');
  });
  admitAll.addEventListener('click', () => {
    pending.set(deps.send({ type: 'room_admit' }), 'admit');
  });
  pauseBtn.addEventListener('click', () => {
    pending.set(deps.send({ type: 'room_pause', message: pauseInput.value.trim() }), 'pause');
    paused = { message: pauseInput.value.trim() };
    render();
  });
  resumeBtn.addEventListener('click', () => {
    pending.set(deps.send({ type: 'room_resume' }), 'resume');
    paused = null;
    render();
  });
  recordBtn.addEventListener('click', () => {
    pending.set(deps.send({ type: 'room_record' }), 'record');
    recordStatus.textContent = t('teach.class.recording');
  });

  function renderWaiting() {
    waitingList.replaceChildren(...waiting.map((student) => {
      const admit = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `admit-${student.id}`, text: t('teach.class.admit') });
      const refuse = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `refuse-${student.id}`, text: t('teach.class.refuse') });
      admit.addEventListener('click', () => pending.set(deps.send({ type: 'room_admit', student: student.id }), 'admit'));
      refuse.addEventListener('click', () => pending.set(deps.send({ type: 'room_admit', student: student.id, admit: false }), 'admit'));
      return h('li', { 'data-testid': 'waiting-student' }, [h('span', { text: deps.nameOf(student.id, student.name) }), admit, refuse]);
    }));
    admitAll.hidden = waiting.length < 2;
  }

  function render() {
    waitingLabel.textContent = t('teach.class.waitingRoom');
    admitAll.textContent = t('teach.class.admitAll');
    pauseLabel.textContent = t('teach.class.pauseMessage');
    pauseInput.placeholder = t('teach.class.pausePlaceholder');
    pauseBtn.textContent = t('teach.class.pause');
    resumeBtn.textContent = t('teach.class.resume');
    recordBtn.textContent = t('teach.class.record');
    resumeBtn.disabled = !paused;
    pauseStatus.textContent = !paused ? ''
      : paused.message ? t('teach.class.pausedWith', { message: paused.message }) : t('teach.class.paused');
    renderWaiting();
  }

  /**
   * A file the teacher downloads from the record.
   * @param {string} testid @param {string} label @param {string} text @param {string} file @param {string} type
   */
  function link(testid, label, text, file, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    urls.push(url);
    return h('li', {}, [h('a', { href: url, download: file, 'data-testid': testid, text: label })]);
  }

  /** Lower case letters, digits and dashes: a file name from a student's name. */
  const slug = (/** @type {string} */ name) => name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'student';

  render();
  return {
    /** @param {any} message  room_gallery */
    gallery(message) {
      waiting = message.waiting ?? [];
      waitingBox.checked = Boolean(message.waiting_room);
      paused = message.paused ?? null;
      render();
    },
    /** @param {any} message  room_record */
    record(message) {
      pending.delete(message.id);
      for (const url of urls) URL.revokeObjectURL(url);
      urls = [];
      const day = new Date().toISOString().slice(0, 10);
      const stem = `class-${message.code}-${day}`;
      const networks = (message.networks ?? []).map((/** @type {any} */ n, /** @type {number} */ i) => link(
        `record-network-${n.student}`, t('teach.class.network', { rank: i + 1, name: deps.nameOf(n.student, n.name) }),
        JSON.stringify(n.session), `${stem}-${i + 1}-${slug(n.name)}.json`, 'application/json'));
      recordLinks.replaceChildren(
        link('record-roster', t('teach.class.roster'), message.roster, `${stem}-roster.csv`, 'text/csv'),
        link('record-standings', t('teach.class.standings'), message.standings, `${stem}-standings.csv`, 'text/csv'),
        ...networks,
      );
      recordStatus.textContent = networks.length ? t('teach.class.recorded', { n: networks.length }) : t('teach.class.recordedNone');
    },
    /** @param {any} ack  room_ack; true when it was one of this tool's */
    ack(ack) {
      const what = pending.get(ack.id);
      if (!what) return false;
      pending.delete(ack.id);
      return true;
    },
    /** @param {number} id  a refused message; true when it was one of this tool's */
    refused(id) {
      const what = pending.get(id);
      pending.delete(id);
      if (what === 'record') recordStatus.textContent = '';
      return Boolean(what);
    },
    relabel: render,
  };
}
