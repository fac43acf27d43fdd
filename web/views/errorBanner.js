// @ts-check
/**
 * The error banner: the latest error from the server or the page (any panel's), or the
 * divergence of training, worded in the page's language. The control an error's field belongs
 * to is marked invalid. An error goes away when dismissed, when a later change is accepted, or
 * (divergence) when training is back to normal.
 */
import { errorText } from '../errors.js';

/**
 * @param {HTMLElement} el  the banner: a `.error-text` span and a dismiss button
 * @param {{
 *   t: (key: string, params?: Record<string, unknown>) => string,
 *   root: ParentNode,
 *   controlFor: (field: string) => HTMLElement | null,
 * }} deps  `root` holds the controls that `controlFor` finds for an error's field
 */
export function createErrorBanner(el, { t, root, controlFor }) {
  const text = /** @type {HTMLElement} */ (el.querySelector('.error-text'));
  /** @type {any} */ let shown = null;

  /** Shows an error (or a diverged status; null hides the banner) and marks its control. */
  function show(/** @type {any} */ error) {
    shown = error;
    for (const marked of root.querySelectorAll('[aria-invalid="true"]')) marked.removeAttribute('aria-invalid');
    if (!error) {
      el.hidden = true;
      text.textContent = '';
      return;
    }
    const words = error.type === 'status' ? t('controls.diverged', { epoch: error.epoch ?? '?' }) : errorText(t, error);
    // Divergence is the learning rate's doing: it is marked like an error of that field.
    const field = error.type === 'status' ? 'config.optimizer.learning_rate' : error.field;
    text.textContent = words;
    el.dataset.code = error.code ?? error.state ?? '';
    el.dataset.field = field ?? '';
    el.hidden = false;
    const control = typeof field === 'string' ? controlFor(field) : null;
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.title = words;
    }
  }

  el.querySelector('.dismiss')?.addEventListener('click', () => show(null));

  return {
    show,
    /** Words the shown error again (the language changed). */
    relabel() {
      show(shown);
    },
    /**
     * A change sent while an error shows: once the server accepts it, the error is behind us.
     * @param {Promise<any>} reply
     */
    clearWhenAccepted(reply) {
      if (!shown) return;
      reply.then(() => show(null), () => {});
    },
    /**
     * @param {import('../state.js').AppState} state
     * @param {Set<string>} changed
     */
    update(state, changed) {
      if (changed.has('config') && shown?.type === 'error' && typeof shown.id === 'number'
        && typeof state.configId === 'number' && state.configId > shown.id) {
        // A later change, from any panel, was accepted.
        show(null);
      }
      if (changed.has('status') && state.status) {
        if (state.status.state === 'diverged') show(state.status);
        else if (shown?.type === 'status') show(null);
      }
      if (changed.has('errors') && state.errors.length) {
        const latest = state.errors[state.errors.length - 1];
        if (latest !== shown) show(latest);
      }
    },
  };
}
