// @ts-check
/**
 * The controls a teacher can lock, found by their `data-testid` in the views that own them
 * (controls.js, dataPanel.js, data/customEditor.js, network.js, share.js, the experiments
 * menu). The server refuses a locked change anyway; the page disables the controls so that a
 * student sees it at once.
 *
 * Views rebuild and re-enable their controls as they like (a new layer brings new buttons, a
 * layer count re-enables "remove a layer"), so one MutationObserver keeps the locked controls
 * disabled, and remembers what each view last asked for: unlocking gives it back.
 */

/** Lockable control name → selectors of the elements it disables. */
export const LOCK_SELECTORS = /** @type {Record<string, string[]>} */ ({
  dataset: [
    '[data-testid^="dataset-"]', '[data-testid="classes"]', '[data-testid="points"]',
    '[data-testid="noise"]', '[data-testid="train-fraction"]', '[data-testid="validation-fraction"]',
    '[data-testid="regenerate"]',
  ],
  features: ['[data-testid^="feature-"]', '[data-testid="standardize"]'],
  layers: [
    '[data-testid="add-layer"]', '[data-testid="remove-layer"]', '[data-testid^="add-neuron-"]',
    '[data-testid^="remove-neuron-"]', '[data-testid="model-open"]',
  ],
  activation: ['[data-testid^="activation-"]', '[data-testid="revive-leaky"]'],
  learning_rate: ['[data-testid="learning-rate"]'],
  optimizer: ['[data-testid="optimizer"]', '[data-testid="batch-size"]'],
  init: ['[data-testid="init"]'],
  regularization: ['[data-testid="regularization"]', '[data-testid="regularization-rate"]'],
  output: ['[data-testid="output-activation"]', '[data-testid="output-loss"]'],
  data_edit: [
    '[data-testid="custom-task"]', '[data-testid="custom-value"]', '[data-testid="custom-clear"]',
    '[data-testid="csv-upload"]', '[data-testid^="custom-class-"]', '[data-testid="custom-canvas"]',
    '[data-testid="custom-copy"]', '[data-testid="custom-fresh"]', '[data-testid="csv-skip-bad"]',
  ],
  experiments: ['[data-testid^="experiment-"]:not([data-testid="experiment-card"]):not([data-testid="experiment-link"])', '[data-testid^="variant-"]'],
});

/** Elements that have no `disabled` (a canvas): made inert instead. */
const canDisable = (/** @type {Element} */ el) => 'disabled' in el;

/**
 * Keeps the controls of the given locks disabled under `root` until `set` changes them.
 * @param {HTMLElement} root
 */
export function createLocks(root) {
  /** @type {string[]} */ let selectors = [];
  /** Whether each locked element's own view wants it disabled (restored on unlock). */
  /** @type {Map<Element, boolean>} */ const wanted = new Map();

  const observer = new MutationObserver((records) => {
    // A view changed a locked control: note what it asked for, then lock it again. A view
    // that added elements may have added lockable controls. Text changes (the readouts, on
    // every frame) need nothing.
    let changed = false;
    for (const record of records) {
      const el = /** @type {Element} */ (record.target);
      if (record.type === 'attributes') {
        if (wanted.has(el)) wanted.set(el, isDisabled(el));
        changed = true;
      } else if ([...record.addedNodes].some((node) => node.nodeType === Node.ELEMENT_NODE)) {
        changed = true;
      }
    }
    if (changed) apply();
  });

  function isDisabled(/** @type {Element} */ el) {
    return canDisable(el) ? /** @type {HTMLButtonElement} */ (el).disabled : /** @type {HTMLElement} */ (el).inert;
  }
  function setDisabled(/** @type {Element} */ el, /** @type {boolean} */ on) {
    if (isDisabled(el) === on) return;
    if (canDisable(el)) /** @type {HTMLButtonElement} */ (el).disabled = on;
    else /** @type {HTMLElement} */ (el).inert = on;
  }

  function apply() {
    const locked = new Set(selectors.length ? root.querySelectorAll(selectors.join(', ')) : []);
    for (const [el, was] of wanted) {
      if (locked.has(el)) continue;
      wanted.delete(el);
      el.removeAttribute('data-room-locked');
      setDisabled(el, was);
    }
    for (const el of locked) {
      if (!wanted.has(el)) wanted.set(el, isDisabled(el));
      el.setAttribute('data-room-locked', 'true');
      setDisabled(el, true);
    }
    // Our own changes are not a view's wishes.
    observer.takeRecords();
  }

  return {
    /** Locks exactly these controls (names from LOCK_SELECTORS); [] unlocks everything. */
    set(/** @type {string[]} */ names) {
      selectors = names.flatMap((name) => LOCK_SELECTORS[name] ?? []);
      apply();
      // Watching the page costs a little on every readout change: only while something is locked.
      if (selectors.length) {
        observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled', 'inert'] });
      } else {
        observer.disconnect();
      }
    },
    disconnect() {
      observer.disconnect();
    },
  };
}
