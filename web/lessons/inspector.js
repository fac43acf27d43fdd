// @ts-check
/**
 * The matrix inspector: the actual numbers of one forward and one backward pass on a few
 * training points (the `inspection` reply to `inspect`), as small tables with their shapes,
 * walked through one layer at a time: X, then Z[l] = W[l]A[l-1] + b[l] and A[l] = g(Z[l]) for
 * l = 1..L, Ŷ and the cost, then dZ[l], dW[l], db[l] for l = L..1.
 */
import { activationFacts } from '../catalog.js';
import { inSentence, nameLabel } from '../i18n.js';
import { mountSoftmaxExample } from './softmaxExample.js';
import { courseIndex as ix, fmt, h, matrixTable, sym, translator } from './util.js';

export const STRINGS = {
  en: {
    'lessons.tab.inspector': 'Matrices',
    'insp.inspect': 'Inspect {m} points',
    'insp.one': 'Inspect one point',
    'insp.students': 'Load the four students',
    'insp.prev': 'Previous',
    'insp.next': 'Next',
    'insp.empty': 'Press “Inspect” to see every number of one forward and one backward pass on the first training points. Each column of X is one point.',
    'insp.input': 'Input: X, one column per point, and the targets Y',
    'insp.forward': 'Forward pass, layer {l} of {L} ({activation})',
    'insp.output': 'Output Ŷ and loss J = {cost} ({loss})',
    'insp.backward': 'Backward pass, layer {l} of {L}',
    'insp.count': 'step {i} of {n}',
    'insp.dzOut': 'dZ[{L}] = Ŷ − Y for this output and loss, then',
    'insp.dzHidden': 'dZ[{l}] = W[{next}]ᵀ dZ[{next}] ⊙ g′(Z[{l}]), then',
    'insp.bnForward': 'Batch normalization of layer {l}: μ and σ = √(σ² + ε) of each neuron over these points, then',
    'insp.bnBackward': 'Through the batch normalization: dZ̃ = W[{next}]ᵀ dZ[{next}] ⊙ g′(Z̃[{l}]), dγ = (1/m) Σᵢ dZ̃ ⊙ Ẑ, dβ = (1/m) Σᵢ dZ̃, and dZ[{l}] = γ/σ (dZ̃ − mean dZ̃ − Ẑ · mean(dZ̃ ⊙ Ẑ)), Ẑ = (Z − μ)/σ: μ and σ depend on every point.',
    'insp.epoch': 'These are the network’s current weights.',
    'insp.stale': 'The weights have changed since (epoch {epoch} now): press “Inspect” for the current numbers.',
    'insp.explain': 'Shapes follow the course: W[l] is n[l] × n[l−1], b[l] is n[l] × 1 and is added to every column, Z[l] and A[l] are n[l] × m. The backward pass goes from the last layer to the first; dW[l] and db[l] average over the m points.',
  },
  fr: {
    'lessons.tab.inspector': 'Matrices',
    'insp.inspect': 'Inspecter {m} points',
    'insp.one': 'Inspecter un point',
    'insp.students': 'Charger les quatre étudiants',
    'insp.prev': 'Précédent',
    'insp.next': 'Suivant',
    'insp.empty': 'Appuyez sur « Inspecter » pour voir tous les nombres d’une passe en avant et d’une passe en arrière sur les premiers points d’entraînement. Chaque colonne de X est un point.',
    'insp.input': 'Entrée : X, une colonne par point, et les cibles Y',
    'insp.forward': 'Passe en avant, couche {l} sur {L} ({activation})',
    'insp.output': 'Sortie Ŷ et coût J = {cost} ({loss})',
    'insp.backward': 'Passe en arrière, couche {l} sur {L}',
    'insp.count': 'étape {i} sur {n}',
    'insp.dzOut': 'dZ[{L}] = Ŷ − Y pour cette sortie et cette perte, puis',
    'insp.dzHidden': 'dZ[{l}] = W[{next}]ᵀ dZ[{next}] ⊙ g′(Z[{l}]), puis',
    'insp.bnForward': 'Normalisation par lots de la couche {l} : μ et σ = √(σ² + ε) de chaque neurone sur ces points, puis',
    'insp.bnBackward': 'À travers la normalisation par lots : dZ̃ = W[{next}]ᵀ dZ[{next}] ⊙ g′(Z̃[{l}]), dγ = (1/m) Σᵢ dZ̃ ⊙ Ẑ, dβ = (1/m) Σᵢ dZ̃, et dZ[{l}] = γ/σ (dZ̃ − moyenne de dZ̃ − Ẑ · moyenne de dZ̃ ⊙ Ẑ), Ẑ = (Z − μ)/σ : μ et σ dépendent de tous les points.',
    'insp.epoch': 'Ce sont les poids actuels du réseau.',
    'insp.stale': 'Les poids ont changé depuis (époque {epoch} maintenant) : « Inspecter » pour les nombres actuels.',
    'insp.explain': 'Les dimensions suivent le cours : W[l] est n[l] × n[l−1], b[l] est n[l] × 1 et s’ajoute à chaque colonne, Z[l] et A[l] sont n[l] × m. La passe en arrière va de la dernière couche à la première ; dW[l] et db[l] font la moyenne sur les m points.',
  },
};

/** @param {string} s */
const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** Points sent with `inspect` (the four students fit exactly). */
export const SAMPLE_LIMIT = 4;

/**
 * The steps of an inspection in the course's order.
 * @param {import('../types/protocol').InspectionMessage | null} inspection
 * @returns {{kind: 'input' | 'forward' | 'output' | 'backward', l: number}[]}
 */
export function inspectionSteps(inspection) {
  const L = inspection?.layers.length ?? 0;
  /** @type {{kind: 'input' | 'forward' | 'output' | 'backward', l: number}[]} */
  const steps = [{ kind: 'input', l: 0 }];
  for (let l = 1; l <= L; l++) steps.push({ kind: 'forward', l });
  steps.push({ kind: 'output', l: L });
  for (let l = L; l >= 1; l--) steps.push({ kind: 'backward', l });
  return steps;
}

/**
 * Whether the weights in a frame differ from those of an inspection (the network has trained
 * or was rebuilt since). Frames carry float32 weights, hence the tolerance.
 * @param {import('../types/protocol').InspectionMessage | null} inspection
 * @param {import('../frame.js').Frame | null} frame
 */
export function differs(inspection, frame) {
  const layers = inspection?.layers ?? [];
  for (const layer of layers) {
    const W = frame?.arrays?.[`W/${layer.l}`];
    if (!W) return true;
    const values = layer.W.values.flat();
    if (values.length !== W.data.length) return true;
    for (let i = 0; i < values.length; i++) {
      if (Math.abs(values[i] - W.data[i]) > 1e-6 * (1 + Math.abs(values[i]))) return true;
    }
  }
  return false;
}

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 * @param {{start: (name: string) => void, active: () => string | null}} host
 */
export function mountInspector(container, ctx, host) {
  const t = translator(ctx);
  const inspect = h('button', { class: 'ls-btn ls-primary', type: 'button', 'data-testid': 'inspect' });
  const students = h('button', { class: 'ls-btn', type: 'button', 'data-testid': 'inspect-students' });
  const one = h('button', { class: 'ls-btn', type: 'button', 'data-testid': 'inspect-one' });
  const prev = h('button', { class: 'ls-btn', type: 'button', 'data-testid': 'inspector-prev' });
  const next = h('button', { class: 'ls-btn', type: 'button', 'data-testid': 'inspector-next' });
  const stepLabel = h('h3', { class: 'ls-subtitle', 'data-testid': 'inspector-step', 'aria-live': 'polite' });
  const count = h('span', { class: 'ls-hint' });
  const body = h('div', { class: 'ls-insp-body', 'data-testid': 'inspector' });
  const when = h('p', { class: 'ls-hint', 'data-testid': 'inspector-epoch' });
  const explain = h('p', { class: 'ls-explain' });
  container.append(
    h('div', { class: 'ls-exp-actions' }, [inspect, one, students]),
    h('div', { class: 'ls-exp-actions' }, [prev, next, count]),
    when, stepLabel, body, explain,
  );
  const example = mountSoftmaxExample(container, ctx);
  /** @type {import('../types/protocol').InspectionMessage | null} */ let inspection = null;
  let step = 0;
  /** Whether the network's weights (from the latest frame) differ from the inspected ones. */
  let stale = false;
  let epoch = 0;

  function freshness() {
    when.hidden = !inspection;
    when.textContent = stale ? t('insp.stale', { epoch }) : t('insp.epoch');
    when.classList.toggle('ls-banner-warn', stale);
    when.setAttribute('data-stale', String(stale));
  }

  inspect.addEventListener('click', () => ctx.send({ type: 'inspect', sample_limit: SAMPLE_LIMIT }));
  one.addEventListener('click', () => ctx.send({ type: 'inspect', sample_limit: 1 }));
  students.addEventListener('click', () => host.start('student'));
  prev.addEventListener('click', () => { step = Math.max(0, step - 1); render(); });
  next.addEventListener('click', () => { step = Math.min(inspectionSteps(inspection).length - 1, step + 1); render(); });

  /**
   * @param {any} m @param {string} name @param {string} [testid]
   * @param {(i: number, j: number) => string} [cellName] the course's name of each entry
   */
  const table = (m, name, testid, cellName) => (m ? matrixTable(name, m, { testid, cellName }) : null);
  const eq = (/** @type {string} */ html) => {
    const p = h('p', { class: 'ls-formula' });
    p.innerHTML = html;
    return p;
  };
  const op = (/** @type {string} */ s) => h('span', { class: 'ls-op', text: s });

  /** The server's catalog: the symbol of each activation g, as the equations panel writes it. */
  /** @type {import('../types/protocol').Catalog | null} */ let catalog = null;

  function render() {
    inspect.textContent = t('insp.inspect', { m: SAMPLE_LIMIT });
    one.textContent = t('insp.one');
    students.textContent = t('insp.students');
    prev.textContent = t('insp.prev');
    next.textContent = t('insp.next');
    explain.textContent = t('insp.explain');
    freshness();
    const steps = inspectionSteps(inspection);
    const layers = inspection?.layers ?? [];
    const L = layers.length;
    if (!inspection || !L) {
      stepLabel.textContent = '';
      stepLabel.removeAttribute('data-step');
      count.textContent = '';
      body.replaceChildren(h('p', { class: 'ls-hint', text: t('insp.empty') }));
      prev.toggleAttribute('disabled', true);
      next.toggleAttribute('disabled', true);
      return;
    }
    step = Math.max(0, Math.min(step, steps.length - 1));
    const { kind, l } = steps[step];
    prev.toggleAttribute('disabled', step === 0);
    next.toggleAttribute('disabled', step === steps.length - 1);
    count.textContent = t('insp.count', { i: step + 1, n: steps.length });
    stepLabel.setAttribute('data-step', kind === 'input' || kind === 'output' ? kind : `${kind}-${l}`);
    const layer = layers[l - 1];
    const bn = layer?.batch_norm ?? null;
    const Aprev = l > 1 ? layers[l - 2]?.A : inspection.X;
    const AprevName = l > 1 ? sym('A', l - 1) : `X = ${sym('A', 0)}`;
    const row = (/** @type {(Node | null)[]} */ items) => h('div', { class: 'ls-matrices' }, items);
    if (kind === 'input') {
      stepLabel.textContent = t('insp.input');
      body.replaceChildren(row([table(inspection.X, 'X', 'matrix-X', ix.sample('x')), table(inspection.Y, 'Y', 'matrix-Y', ix.sample('y'))]));
    } else if (kind === 'forward') {
      stepLabel.textContent = t('insp.forward', { l, L, activation: inSentence(nameLabel(t, layer.activation)) });
      body.replaceChildren(
        eq(`${sym('Z', l)} = ${sym('W', l)} ${l > 1 ? sym('A', l - 1) : 'X'} + ${sym('b', l)}${bn ? '' : `, &nbsp; ${sym('A', l)} = ${activationFacts(catalog, layer.activation)?.symbol ?? layer.activation}(${sym('Z', l)})`}`),
        row([
          table(layer.W, sym('W', l), `matrix-W-${l}`, ix.weight('w', l)), op('·'),
          table(Aprev, AprevName, undefined, l > 1 ? ix.layerSample('a', l - 1) : ix.sample('x')), op('+'),
          table(layer.b, sym('b', l), `matrix-b-${l}`, ix.bias('b', l)),
        ]),
        ...(bn ? [
          row([op('='), table(layer.Z, sym('Z', l), `matrix-Z-${l}`, ix.layerSample('z', l))]),
          eq(`${t('insp.bnForward', { l })} ${sym('Z̃', l)} = ${sym('γ', l)} (${sym('Z', l)} − <var>μ</var>) / <var>σ</var> + ${sym('β', l)}, &nbsp; ${sym('A', l)} = ${activationFacts(catalog, layer.activation)?.symbol ?? layer.activation}(${sym('Z̃', l)})`),
          row([
            table(bn.mu, 'μ', `matrix-mu-${l}`, ix.bias('μ', l)), table(bn.sigma, 'σ', `matrix-sigma-${l}`, ix.bias('σ', l)),
            table(bn.gamma, sym('γ', l), `matrix-gamma-${l}`, ix.bias('γ', l)), table(bn.beta, sym('β', l), `matrix-beta-${l}`, ix.bias('β', l)),
          ]),
          row([op('='), table(bn.Z_tilde, sym('Z̃', l), `matrix-Z_tilde-${l}`, ix.layerSample('z̃', l)), op('→'), table(layer.A, sym('A', l), `matrix-A-${l}`, ix.layerSample('a', l))]),
        ] : [row([op('='), table(layer.Z, sym('Z', l), `matrix-Z-${l}`, ix.layerSample('z', l)), op('→'), table(layer.A, sym('A', l), `matrix-A-${l}`, ix.layerSample('a', l))])]),
      );
    } else if (kind === 'output') {
      stepLabel.textContent = t('insp.output', { cost: fmt(Number(inspection.cost), 4), loss: inSentence(nameLabel(t, inspection.loss)) });
      body.replaceChildren(row([table(inspection.Y_hat, 'Ŷ', 'matrix-Y_hat', ix.sample('ŷ')), table(inspection.Y, 'Y', undefined, ix.sample('y'))]));
    } else {
      stepLabel.textContent = t('insp.backward', { l, L });
      const words = l === L ? t('insp.dzOut', { L }) : t('insp.dzHidden', { l, next: l + 1 });
      const how = escapeHtml(words).replace(/([A-Za-z])\[(\d+)\]/g, '$1<sup>[$2]</sup>');
      body.replaceChildren(
        eq(`${how} d${sym('W', l)} = <sup>1</sup>⁄<sub>m</sub> d${sym('Z', l)} ${l > 1 ? sym('A', l - 1) : 'X'}<sup>T</sup>, &nbsp; d${sym('b', l)} = <sup>1</sup>⁄<sub>m</sub> Σ<sub>i</sub> d${sym('Z', l)}<sub>:,i</sub>`),
        row([
          table(layer.dZ, `d${sym('Z', l)}`, `matrix-dZ-${l}`, ix.layerSample('dz', l)),
          table(layer.dW, `d${sym('W', l)}`, `matrix-dW-${l}`, ix.weight('dw', l)),
          table(layer.db, `d${sym('b', l)}`, `matrix-db-${l}`, ix.bias('db', l)),
        ]),
        ...(bn ? [
          eq(escapeHtml(t('insp.bnBackward', { l, next: l + 1 })).replace(/([A-Za-z̃])\[(\d+)\]/g, '$1<sup>[$2]</sup>')),
          row([table(bn.dgamma, `d${sym('γ', l)}`, `matrix-dgamma-${l}`, ix.bias('dγ', l)), table(bn.dbeta, `d${sym('β', l)}`, `matrix-dbeta-${l}`, ix.bias('dβ', l))]),
        ] : []),
      );
    }
  }

  render();
  return {
    /** @param {import('../state.js').AppState} state @param {Set<string>} changed @param {boolean} visible */
    update(state, changed, visible) {
      catalog = state.catalog ?? catalog;
      if (changed.has('inspection') && state.inspection && state.inspection !== inspection) {
        inspection = state.inspection;
        step = 0;
      }
      if (changed.has('frame') || changed.has('inspection')) {
        const was = stale;
        epoch = Number(state.frame?.header?.epoch ?? 0);
        stale = Boolean(inspection) && differs(inspection, state.frame);
        if (visible && was !== stale && !changed.has('inspection')) freshness();
      }
      if (visible && (changed.has('lang') || changed.has('inspection'))) render();
      if (changed.has('experiment') && host.active() === 'softmax') example.open();
      example.update(state, changed);
    },
  };
}
