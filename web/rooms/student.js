// @ts-check
/**
 * The student's side of a classroom room: "Join a class" in the top bar (and `?room=CODE` in a
 * link) opens the join dialog; once in, a banner names the class, lists what the teacher
 * locked and the running challenge, and offers to leave. What the teacher pushes is applied as
 * the page's own controls would: an experiment as if picked in the Experiments menu (the
 * Lessons panel reads `state.experimentRequest`), a config as a configure and a reset.
 * Room messages arrive in `state.roomInbox` (main.js). See docs/classroom.md.
 */
import { errorText } from '../errors.js';
import { applyLabels, nameLabel } from '../i18n.js';
import { challengeText, LOCKABLE, STRINGS as ROOM_STRINGS } from './strings.js';

export const STRINGS = {
  en: {
    'room.join.open': 'Join a class',
    'room.join.openTitle': 'Join your teacher’s class with its code',
    'room.join.title': 'Join a class',
    'room.join.code': 'Class code',
    'room.join.name': 'Your name',
    'room.join.nameHelp': 'Your teacher sees it beside your network.',
    'room.join.submit': 'Join',
    'room.join.cancel': 'Cancel',
    'room.join.badCode': 'A class code has six letters and digits, such as K7MP2Q.',
    'room.banner.class': 'Class',
    'room.banner.locked': 'Controls locked by your teacher: {controls}',
    'room.banner.leave': 'Leave',
    'room.banner.you': 'You are {name}',
    'room.closed.closed': 'Your teacher closed the class: every control is yours again.',
    'room.closed.removed': 'Your teacher removed you from the class.',
    'room.closed.expired': 'The class ended after a long pause.',
    'room.closed.dismiss': 'Dismiss',
    'room.closed.refused': 'Your teacher did not let you into the class.',
    'room.waiting.text': 'Waiting for the teacher to let you in',
    'room.waiting.leave': 'Stop waiting',
    'room.paused.title': 'Your teacher paused the class',
    'room.paused.text': 'Training is stopped until your teacher resumes the class.',
  },
  fr: {
    'room.join.open': 'Rejoindre une classe',
    'room.join.openTitle': 'Rejoindre la classe de votre enseignant avec son code',
    'room.join.title': 'Rejoindre une classe',
    'room.join.code': 'Code de la classe',
    'room.join.name': 'Votre nom',
    'room.join.nameHelp': 'Votre enseignant le voit à côté de votre réseau.',
    'room.join.submit': 'Rejoindre',
    'room.join.cancel': 'Annuler',
    'room.join.badCode': 'Un code de classe a six lettres et chiffres, par exemple K7MP2Q.',
    'room.banner.class': 'Classe',
    'room.banner.locked': 'Réglages verrouillés par votre enseignant : {controls}',
    'room.banner.leave': 'Quitter',
    'room.banner.you': 'Vous êtes {name}',
    'room.closed.closed': 'Votre enseignant a fermé la classe : tous les réglages sont de nouveau à vous.',
    'room.closed.removed': 'Votre enseignant vous a retiré de la classe.',
    'room.closed.expired': 'La classe s’est terminée après une longue pause.',
    'room.closed.dismiss': 'Fermer',
    'room.closed.refused': 'Votre enseignant ne vous a pas fait entrer dans la classe.',
    'room.waiting.text': 'En attente : votre enseignant va vous faire entrer',
    'room.waiting.leave': 'Ne plus attendre',
    'room.paused.title': 'Votre enseignant a mis la classe en pause',
    'room.paused.text': 'L’entraînement est arrêté jusqu’à ce que votre enseignant reprenne la classe.',
  },
};

/** Where the student's name is kept for the next join in this tab. */
const NAME_KEY = 'nnp.room.name';
/** The class this tab is in, so that a reload joins it again without asking. */
const JOINED_KEY = 'nnp.room.joined';
/** The codes' alphabet: no 0/O, 1/I/L. */
const CODE_PATTERN = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

/**
 * A code as typed ("abc 123") made comparable: upper case, no spaces.
 * @param {string} code
 */
export function normalizeCode(code) {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx
 */
export function mountRoom(container, ctx) {
  ctx.i18n.register(STRINGS);
  ctx.i18n.register(ROOM_STRINGS);
  const t = ctx.t;
  container.classList.add('room');
  container.innerHTML = `
    <button type="button" class="btn room-open" data-testid="room-open" data-label="room.join.open" data-title="room.join.openTitle"></button>
    <div class="room-banner" data-testid="room-banner" data-locked="false" role="region" aria-labelledby="room-banner-title" hidden>
      <div class="room-banner-text">
        <p class="room-banner-head"><strong id="room-banner-title" class="room-title" data-testid="room-title"></strong>
          <span class="room-you" data-testid="room-you"></span></p>
        <p class="room-locks" data-testid="room-locks" hidden></p>
        <p class="room-challenge" data-testid="room-challenge" hidden></p>
      </div>
      <button type="button" class="btn room-leave" data-testid="room-leave" data-label="room.banner.leave"></button>
    </div>
    <div class="room-waiting" data-testid="room-waiting" role="status" hidden>
      <span class="room-waiting-text" data-label="room.waiting.text"></span>
      <button type="button" class="btn" data-testid="room-waiting-leave" data-label="room.waiting.leave"></button>
    </div>
    <div class="room-paused" data-testid="class-paused" role="alertdialog" aria-labelledby="room-paused-title" hidden>
      <div class="room-paused-box">
        <h2 id="room-paused-title" data-label="room.paused.title"></h2>
        <p class="room-paused-message" data-testid="class-paused-message"></p>
        <p class="room-paused-text" data-label="room.paused.text"></p>
      </div>
    </div>
    <div class="room-notice" data-testid="room-notice" role="status" hidden>
      <span class="room-notice-text"></span>
      <button type="button" class="btn-icon" data-testid="room-notice-dismiss" data-title="room.closed.dismiss">×</button>
    </div>
    <dialog class="room-dialog" data-testid="room-dialog" aria-labelledby="room-dialog-title">
      <form method="dialog" class="room-form">
        <h2 id="room-dialog-title" data-label="room.join.title"></h2>
        <label class="room-field"><span data-label="room.join.code"></span>
          <input type="text" data-testid="room-code-input" autocomplete="off" spellcheck="false" maxlength="8" required></label>
        <label class="room-field"><span data-label="room.join.name"></span>
          <input type="text" data-testid="room-name-input" autocomplete="nickname" maxlength="40" required aria-describedby="room-name-help"></label>
        <p class="room-help" id="room-name-help" data-label="room.join.nameHelp"></p>
        <p class="room-error" data-testid="room-error" role="alert" hidden></p>
        <div class="room-actions">
          <button type="button" class="btn" data-testid="room-cancel" data-label="room.join.cancel"></button>
          <button type="submit" class="btn room-primary" data-testid="room-join" data-label="room.join.submit"></button>
        </div>
      </form>
    </dialog>`;

  const q = (/** @type {string} */ id) => /** @type {any} */ (container.querySelector(`[data-testid="${id}"]`));
  const openBtn = /** @type {HTMLButtonElement} */ (q('room-open'));
  const banner = /** @type {HTMLElement} */ (q('room-banner'));
  const notice = /** @type {HTMLElement} */ (q('room-notice'));
  const dialog = /** @type {HTMLDialogElement} */ (q('room-dialog'));
  const codeInput = /** @type {HTMLInputElement} */ (q('room-code-input'));
  const nameInput = /** @type {HTMLInputElement} */ (q('room-name-input'));
  const errorEl = /** @type {HTMLElement} */ (q('room-error'));

  /** @type {{code: string, title: string, student: string, name: string, locks: string[], challenge: any, paused: {message: string} | null} | null} */
  let room = null;
  /** The class whose waiting room this page waits in. */
  /** @type {{code: string, name: string} | null} */ let waitingIn = null;
  /** The id of the `room_join` waiting for its answer. */
  /** @type {number | null} */ let joining = null;
  /** @type {string | null} */ let closedReason = null;
  /** @type {any} */ let joinError = null;
  let pushes = 0;

  const fromLink = new URLSearchParams(ctx.landing ?? location.search).get('room');
  nameInput.value = sessionStorage.getItem(NAME_KEY) ?? '';

  function openDialog(/** @type {string} */ code = '') {
    if (code) codeInput.value = normalizeCode(code);
    showError(null);
    if (!dialog.open) dialog.showModal();
    (codeInput.value ? nameInput : codeInput).focus();
  }

  function join() {
    const code = normalizeCode(codeInput.value);
    const name = nameInput.value.trim();
    codeInput.value = code;
    if (!CODE_PATTERN.test(code)) {
      showError({ local: true, field: 'code', message: t('room.join.badCode') });
      codeInput.focus();
      return;
    }
    if (!name) {
      nameInput.focus();
      return;
    }
    sessionStorage.setItem(NAME_KEY, name);
    joining = ctx.send({ type: 'room_join', code, name });
  }

  function leave() {
    if (room || waitingIn) ctx.send({ type: 'room_leave' });
    waitingIn = null;
    setRoom(null);
    setLinkCode(null);
  }

  /** Keeps `?room=CODE` in the address while in a class, so a reload joins again. */
  function setLinkCode(/** @type {string | null} */ code) {
    const params = new URLSearchParams(location.search);
    if (code) params.set('room', code);
    else params.delete('room');
    // Readable like the rest of the address (url.js): `hidden=4:tanh`, `features=x1,x2`.
    const search = params.toString().replaceAll('%3A', ':').replaceAll('%2C', ',');
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
  }

  function setRoom(/** @type {typeof room} */ next) {
    room = next;
    if (room) sessionStorage.setItem(JOINED_KEY, room.code);
    else sessionStorage.removeItem(JOINED_KEY);
    // Each view disables its own locked controls from the store (rooms/locks.js).
    const locks = room?.locks ?? [];
    const current = ctx.store.state.locked;
    if (current.size !== locks.length || locks.some((name) => !current.has(name))) ctx.store.set('locked', new Set(locks));
    render();
  }

  function showError(/** @type {any} */ error) {
    joinError = error;
    errorEl.hidden = !error;
    errorEl.textContent = error ? errorText(t, error) : '';
    codeInput.toggleAttribute('aria-invalid', Boolean(error) && error.field !== 'name');
    nameInput.toggleAttribute('aria-invalid', Boolean(error) && error.field === 'name');
  }

  function render() {
    applyLabels(container, t, (el) => el.classList.contains('btn-icon'));
    container.classList.toggle('room-joined', Boolean(room));
    openBtn.hidden = Boolean(room || waitingIn);
    banner.hidden = !room;
    q('room-waiting').hidden = !waitingIn;
    const paused = q('class-paused');
    paused.hidden = !room?.paused;
    q('class-paused-message').textContent = room?.paused?.message ?? '';
    q('class-paused-message').hidden = !room?.paused?.message;
    notice.hidden = !closedReason;
    if (closedReason) {
      /** @type {HTMLElement} */ (notice.querySelector('.room-notice-text')).textContent = t(`room.closed.${closedReason}`);
    }
    if (joinError) showError(joinError);
    if (!room) return;
    const locked = LOCKABLE.filter((name) => room?.locks.includes(name));
    banner.dataset.locked = String(locked.length > 0);
    q('room-title').textContent = `${t('room.banner.class')} ${room.code}${room.title ? ` · ${room.title}` : ''}`;
    q('room-you').textContent = t('room.banner.you', { name: room.name });
    const locksEl = q('room-locks');
    locksEl.hidden = locked.length === 0;
    locksEl.textContent = t('room.banner.locked', { controls: locked.map((name) => t(`room.lock.${name}`)).join(', ') });
    const challengeEl = q('room-challenge');
    challengeEl.hidden = !room.challenge;
    challengeEl.textContent = room.challenge ? challengeText(t, room.challenge, (name) => nameLabel(t, name)) : '';
  }

  /** @param {import('../state.js').RoomMessage} message */
  function receive(message) {
    switch (message.type) {
      case 'room_waiting':
        joining = null;
        showError(null);
        if (dialog.open) dialog.close();
        waitingIn = { code: message.code, name: message.name };
        render();
        break;
      case 'room_joined':
        joining = null;
        waitingIn = null;
        closedReason = null;
        showError(null);
        if (dialog.open) dialog.close();
        setLinkCode(message.code);
        setRoom({
          code: message.code, title: message.title ?? '', student: message.student, name: message.name,
          locks: message.locks ?? [], challenge: message.challenge ?? null, paused: message.paused ?? null,
        });
        break;
      case 'room_left':
        setRoom(null);
        break;
      case 'room_state':
        if (room) setRoom({ ...room, locks: message.locks ?? [], challenge: message.challenge ?? null, paused: message.paused ?? null });
        break;
      case 'room_push':
        applyPush(message);
        break;
      case 'room_closed':
        closedReason = ['closed', 'removed', 'expired', 'refused'].includes(message.reason) ? message.reason : 'closed';
        waitingIn = null;
        setLinkCode(null);
        setRoom(null);
        break;
      default:
        break;
    }
  }

  /**
   * Applies what the teacher pushed, as the page's own controls would.
   * @param {import('../types/protocol').RoomPushed} push
   */
  function applyPush(push) {
    if (push.experiment) {
      pushes += 1;
      ctx.store.set('experimentRequest', { name: push.experiment, variant: push.variant ?? null, seq: pushes });
    } else if (push.config) {
      ctx.configure(push.config);
      ctx.send({ type: 'reset' });
    } else if (push.exercise) {
      ctx.store.set('exerciseRequest', push.exercise);
    }
  }

  openBtn.addEventListener('click', () => openDialog());
  q('room-cancel').addEventListener('click', () => dialog.close());
  q('room-leave').addEventListener('click', leave);
  q('room-waiting-leave').addEventListener('click', leave);
  q('room-notice-dismiss').addEventListener('click', () => {
    closedReason = null;
    render();
  });
  /** @type {HTMLFormElement} */ (dialog.querySelector('form')).addEventListener('submit', (event) => {
    event.preventDefault();
    join();
  });
  // A reload in a class joins it again under the same name; any other link asks first.
  if (fromLink && normalizeCode(fromLink) === sessionStorage.getItem(JOINED_KEY) && nameInput.value) {
    codeInput.value = normalizeCode(fromLink);
    join();
  } else if (fromLink) {
    openDialog(fromLink);
  }
  render();

  return {
    /** @param {import('../state.js').AppState} state @param {Set<string>} changed */
    update(state, changed) {
      if (changed.has('roomInbox') && state.roomInbox.length) {
        const inbox = state.roomInbox.splice(0);
        for (const message of inbox) receive(message);
      }
      // A new session after a dropped connection is in no class: join again.
      if (changed.has('hello') && room) {
        joining = ctx.send({ type: 'room_join', code: room.code, name: room.name });
      } else if (changed.has('hello') && waitingIn) {
        joining = ctx.send({ type: 'room_join', code: waitingIn.code, name: waitingIn.name });
      }
      if (changed.has('errors') && joining !== null) {
        const error = state.errors.find((e) => e.id === joining);
        if (error) {
          joining = null;
          if (room) {
            // Could not join again (the class was closed meanwhile): say so.
            closedReason = error.code === 'room_not_found' ? 'expired' : 'closed';
            setRoom(null);
            setLinkCode(null);
          } else {
            showError(error);
            if (!dialog.open) dialog.showModal();
          }
        }
      }
      if (changed.has('lang')) render();
    },
  };
}
