// @ts-check
/**
 * The data panel's error line: its own message (a CSV it cannot read, the last feature) or
 * the server's error for one of its fields (`csv`, `points`, `config.dataset`,
 * `config.features`), each server error shown once; cleared by the next accepted change.
 */
import { errorText } from '../../errors.js';

/** Error fields this panel's controls answer for. */
const DATA_FIELDS = ['csv', 'points', 'config.dataset', 'config.features'];

/** @param {unknown} field */
function isDataField(field) {
  return typeof field === 'string' && DATA_FIELDS.some((prefix) => field.startsWith(prefix));
}

/**
 * @param {HTMLElement} line  the element that shows the message
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 */
export function createPanelErrors(line, t) {
  /** @type {string | null} */ let local = null;
  /** @type {any} */ let shown = null;
  /** Error messages already looked at, so an old one never comes back. */
  const seen = new WeakSet();

  function render() {
    const msg = local ?? (shown ? errorText(t, shown) : null);
    line.hidden = !msg;
    line.textContent = msg ?? '';
  }

  return {
    /** The panel's own message; null clears it, and the server's error with it. */
    local(/** @type {string | null} */ msg) {
      local = msg;
      if (!msg) shown = null;
      render();
    },
    /** The server's answer to one of the panel's own requests. */
    server(/** @type {any} */ error) {
      seen.add(error);
      shown = error;
      local = null;
      render();
    },
    clear() {
      local = null;
      shown = null;
      render();
    },
    /** The store's latest errors: the newest one for a data field shows. */
    read(/** @type {any[]} */ errors) {
      for (const e of errors) {
        if (!e || typeof e !== 'object' || seen.has(e)) continue;
        seen.add(e);
        if (isDataField(e.field)) {
          shown = e;
          local = null;
        }
      }
      render();
    },
    /** Whether a message shows. */
    showing: () => Boolean(shown || local),
  };
}
