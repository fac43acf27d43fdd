// @ts-check
/**
 * The network diagram's column headers: the inputs', each hidden layer's (its units, its
 * activation, batch normalization and its count of dead neurons) and the output's (its
 * activation and loss, `auto` naming what the server picked). They only build; the changes
 * they offer go out through the callbacks they are given.
 */
import { activationFacts, catalogNames } from '../../catalog.js';
import { h } from '../../dom.js';
import { inSentence, nameLabel } from '../../i18n.js';

/** @typedef {(key: string, params?: Record<string, unknown>) => string} Translate */

/**
 * A column header centred at x.
 * @param {number} x
 * @param {(Node | string)[]} children
 */
export function columnHead(x, children) {
  const head = h('div', { class: 'col-head' }, children);
  head.style.left = `${x}px`;
  return head;
}

/**
 * The inputs' header, at the left edge.
 * @param {Translate} t
 */
export function inputHead(t) {
  const head = columnHead(0, [h('span', { class: 'col-title', text: t('network.inputs') })]);
  head.classList.add('col-head-input');
  return head;
}

/**
 * A select of names, the first option `auto` (what the server resolves it to).
 * @param {string} testid @param {string} label @param {string} auto
 * @param {string[]} names @param {(name: string) => string} word
 */
function nameSelect(testid, label, auto, names, word) {
  return /** @type {HTMLSelectElement} */ (h('select', { class: 'act-select', 'data-testid': testid, 'aria-label': label, title: label }, [
    h('option', { value: 'auto', text: auto }),
    ...names.map((name) => h('option', { value: name, text: word(name) })),
  ]));
}

/**
 * The output column's header: its activation and loss selects (its width sets the room on the
 * right of the diagram).
 * @param {{output: any, catalog: any, t: Translate, configure: (partial: any) => void}} options
 */
export function outputHead({ output = {}, catalog, t, configure }) {
  const named = (/** @type {string | undefined} */ name) => (name ? inSentence(nameLabel(t, name)) : '…');
  const activation = nameSelect('output-activation', t('network.outputActivation'),
    t('network.auto', { name: named(output.resolved_activation) }),
    catalogNames(catalog, 'activations'), (a) => t(`act.${a}`));
  const loss = nameSelect('output-loss', t('network.loss'),
    t('network.auto', { name: named(output.resolved_loss) }),
    catalogNames(catalog, 'losses'), (a) => t(`lossname.${a}`));
  activation.value = output.activation ?? 'auto';
  loss.value = output.loss ?? 'auto';
  activation.addEventListener('change', () => configure({ output: { activation: activation.value } }));
  loss.addEventListener('change', () => configure({ output: { loss: loss.value } }));
  const head = columnHead(0, [h('span', { class: 'col-title', text: t('network.output') }), activation, loss]);
  head.classList.add('col-head-output');
  return { head, activation, loss };
}

/**
 * Hidden layer l's header: − and + for its units, its size, its activation (short names when
 * the columns are narrow), its batch-normalization toggle and its dead count.
 * @param {number} x @param {number} l  1-based
 * @param {{units: number, activation: string, batch_norm?: boolean}} layer
 * @param {{catalog: any, narrow: boolean, t: Translate,
 *   change: (edit: (layer: {units: number, activation: string, batch_norm: boolean}) => void) => void}} options
 */
export function hiddenHead(x, l, layer, { catalog, narrow, t, change }) {
  const mini = (/** @type {string} */ testid, /** @type {string} */ label, /** @type {string} */ text) =>
    /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn-mini', 'data-testid': testid, title: label, 'aria-label': label }, [text]));
  const remove = mini(`remove-neuron-${l}`, t('network.removeNeuron', { l }), '−');
  const add = mini(`add-neuron-${l}`, t('network.addNeuron', { l }), '+');
  const size = layer.units === 1 ? t('network.neuron') : t('network.neurons', { n: layer.units });
  const label = t('network.activation', { l });
  const activation = /** @type {HTMLSelectElement} */ (h('select', { class: 'act-select', 'data-testid': `activation-${l}`, 'aria-label': label, title: label },
    catalogNames(catalog, 'hidden_activations').map((/** @type {string} */ a) => h('option', {
      value: a, selected: a === layer.activation,
      text: narrow ? (activationFacts(catalog, a)?.short ?? t(`act.${a}`)) : t(`act.${a}`),
    }))));
  const bnLabel = t('network.batchNorm', { l });
  const batchNorm = h('button', {
    type: 'button', class: 'btn-mini bn-toggle', 'data-testid': `batch-norm-${l}`,
    'aria-pressed': String(Boolean(layer.batch_norm)), title: bnLabel, 'aria-label': bnLabel,
  }, ['BN']);
  const dead = h('span', { class: 'layer-dead', 'data-testid': `dead-count-${l}` });
  const head = columnHead(x, [
    h('div', { class: 'units-row' }, [remove, add]),
    h('span', { class: 'col-sub', 'data-kind': 'hyperparameter', title: t('network.hyperparameter', { what: size }) }, [
      h('span', { class: 'col-sub-long', text: size }), h('span', { class: 'col-sub-short', text: String(layer.units) }),
    ]),
    activation, batchNorm, dead,
  ]);
  add.addEventListener('click', () => change((layer) => { layer.units += 1; }));
  remove.addEventListener('click', () => change((layer) => { layer.units -= 1; }));
  batchNorm.addEventListener('click', () => change((layer) => { layer.batch_norm = !layer.batch_norm; }));
  activation.addEventListener('change', () => change((layer) => { layer.activation = activation.value; }));
  return { head, add, remove, activation, dead };
}
