// @ts-check
/**
 * The weight editor: a small form opened on a link (a weight W[l][j, i]) or a neuron (its bias
 * b[l][j]) that sends `set_weight` and shows the server's error, if any, beside the value.
 */
import { errorText } from '../../errors.js';

/**
 * An edited parameter: W[l] row j, column i, or b[l] row j when i is null.
 * @typedef {{l: number, j: number, i: number | null}} Target
 */

/**
 * @param {HTMLElement} container  the network view (the form is placed inside it)
 * @param {HTMLFormElement} editor  the form: a label span, a number input, a submit, an error line
 * @param {{request: (message: any) => Promise<any>, t: (key: string, params?: Record<string, unknown>) => string}} deps
 */
export function createWeightEditor(container, editor, { request, t }) {
  const input = /** @type {HTMLInputElement} */ (editor.querySelector('input'));
  const error = /** @type {HTMLElement} */ (editor.querySelector('.weight-error'));
  const label = /** @type {HTMLElement} */ (editor.querySelector('.weight-editor-label'));
  /** @type {Target | null} */ let editing = null;

  /** @param {string} text */
  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }

  editor.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editing) return;
    const value = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(value)) {
      showError(t('network.edit.invalid'));
      return;
    }
    const sent = editing;
    const { l, j, i } = sent;
    request(i === null
      ? { type: 'set_weight', layer: l, row: j, bias: true, value }
      : { type: 'set_weight', layer: l, row: j, col: i, value })
      .catch((/** @type {any} */ reply) => {
        // The error of this edit, unless another one was opened since.
        if (editing !== sent || reply?.code === 'disconnected') return;
        showError(errorText(t, reply));
        editor.hidden = false;
      });
    editor.hidden = true;
  });
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') editor.hidden = true;
  });
  document.addEventListener('pointerdown', (event) => {
    if (!editor.hidden && !editor.contains(/** @type {Node} */ (event.target))
        && !(/** @type {Element} */ (event.target)).closest?.('.link-hit, .neuron')) editor.hidden = true;
  });

  return {
    /**
     * Opens the editor on a weight (or a bias, when target.i is null) near (x, y), with the
     * value of the latest frame.
     * @param {Target} target @param {number} x @param {number} y @param {any} frame
     */
    open(target, x, y, frame) {
      editing = target;
      const { l, j, i } = target;
      const W = frame?.arrays?.[`W/${l}`];
      const b = frame?.arrays?.[`b/${l}`];
      const value = i === null ? b?.data?.[j] : W?.data?.[j * W.shape[1] + i];
      label.textContent = i === null
        ? t('network.edit.bias', { l, j: j + 1 }) : t('network.edit.weight', { l, j: j + 1, i: i + 1 });
      input.value = value === undefined ? '0' : String(Number(value.toFixed(4)));
      error.hidden = true;
      const box = container.getBoundingClientRect();
      editor.style.left = `${Math.max(0, Math.min(x - box.left + 8, box.width - 240))}px`;
      editor.style.top = `${y - box.top + 8}px`;
      editor.hidden = false;
      input.focus();
      input.select();
    },
  };
}
