// @ts-check
/**
 * A teacher's locks reach the views through the store: `state.locked` holds the names of the
 * locked controls (`LOCKABLE` in rooms/strings.js: dataset, features, layers, activation,
 * learning_rate, optimizer, init, regularization, output, data_edit, experiments), which
 * rooms/student.js sets from the room's messages. Each view disables its own controls of those
 * names when it renders, with `lockControl`: controls.js, dataPanel.js, data/customEditor.js,
 * network.js, share.js and the experiments menu. The server refuses a locked change anyway;
 * the page disables the controls so that a student sees it at once.
 */

/**
 * Disables `el` when its view wants it disabled or a teacher locked it; a locked control is
 * marked `data-room-locked="true"`. Elements that have no `disabled` (a canvas) are made inert.
 * @param {Element} el
 * @param {boolean} locked
 * @param {boolean} [wanted]  whether the view itself disables it (e.g. no layer to remove)
 */
export function lockControl(el, locked, wanted = false) {
  const off = locked || wanted;
  if ('disabled' in el) {
    const control = /** @type {HTMLButtonElement} */ (el);
    if (control.disabled !== off) control.disabled = off;
  } else {
    const box = /** @type {HTMLElement} */ (el);
    if (box.inert !== off) box.inert = off;
  }
  if (locked) el.setAttribute('data-room-locked', 'true');
  else el.removeAttribute('data-room-locked');
}

/**
 * The lock names a view reads from its state (an empty set before any room, and in a store
 * that has no rooms, such as the teacher's spotlight).
 * @param {{locked?: ReadonlySet<string>}} state
 * @returns {ReadonlySet<string>}
 */
export function lockedIn(state) {
  return state.locked ?? NONE;
}

/** @type {ReadonlySet<string>} */
const NONE = new Set();
