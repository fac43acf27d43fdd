// @ts-check
/**
 * The network diagram: input features, hidden layers and the output, drawn as an SVG of links
 * (color = sign, width = magnitude of the weight) under a layer of live neuron thumbnails.
 * The structure is built once per architecture; frames only update link attributes and
 * thumbnail pixels in place. Dead ReLU neurons are greyed, outlined in red and counted.
 * Its parts: network/layout.js (where things go), network/columns.js (the column headers and
 * their controls), network/diagram.js (links, nodes and what a frame changes in them),
 * network/neuronCard.js (the hover card), network/weightEditor.js (editing a weight or a
 * bias), network/strings.js (its words). The activations and losses offered, and their
 * symbols, come from the server's catalog. A teacher's locks (`state.locked`) disable its
 * controls; a read-only store (`state.readOnly`, the teacher's spotlight) hides them.
 */
import { h } from '../dom.js';
import { ERROR_STRINGS } from '../errors.js';
import { applyLabels } from '../i18n.js';
import { divergingLut, greyLut } from '../palette.js';
import { lockControl, lockedIn } from '../rooms/locks.js';
import { hiddenHead, inputHead, outputHead } from './network/columns.js';
import { buildLinks, fillInput, fillNeuron, paintLinks, paintNeurons, placeNode } from './network/diagram.js';
import { geometry, NODE_BASE } from './network/layout.js';
import { createNeuronCard } from './network/neuronCard.js';
import { NETWORK_STRINGS } from './network/strings.js';
import { createWeightEditor } from './network/weightEditor.js';

/**
 * @typedef {import('./network/diagram.js').Link} Link
 * @typedef {import('./network/diagram.js').Neuron} Neuron
 * @typedef {import('./network/diagram.js').DeadCount} DeadCount
 * @typedef {ReturnType<typeof hiddenHead>} HiddenHead
 */

/**
 * The view's fixed parts: the head (title, − and + for the layers), the stage (the links' SVG
 * under the nodes), the dead neurons' box, the hover card and the weight editor.
 */
function skeleton() {
  const button = (/** @type {string} */ testid, /** @type {string} */ title, /** @type {string} */ text) =>
    /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn-icon', 'data-testid': testid, 'data-title': title }, [text]));
  const removeLayer = button('remove-layer', 'network.removeLayer', '−');
  const addLayer = button('add-layer', 'network.addLayer', '+');
  const layerCount = h('span', { class: 'layer-count', 'data-kind': 'hyperparameter' });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'net-links');
  svg.setAttribute('aria-hidden', 'true');
  const visible = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  visible.setAttribute('class', 'links-visible');
  const hit = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  hit.setAttribute('class', 'links-hit');
  svg.append(visible, hit);
  const nodes = h('div', { class: 'net-nodes' });
  const stage = h('div', { class: 'net-stage' }, [svg, nodes]);
  const deadCount = h('b', { 'data-testid': 'dead-count', text: '0' });
  const revive = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn', 'data-testid': 'revive-leaky', 'data-label': 'network.revive' }));
  const deadInfo = h('div', { class: 'dead-info', 'data-testid': 'dead-info', 'data-count': '0' }, [
    h('p', { class: 'dead-line' }, [h('span', { 'data-label': 'network.deadTotal' }), ' ', deadCount]),
    h('div', { class: 'dead-explain' }, [
      h('p', { 'data-label': 'network.deadWhy' }), h('p', { 'data-label': 'network.deadHelp' }), revive,
    ]),
  ]);
  const card = h('div', { class: 'neuron-card', 'data-testid': 'neuron-card', hidden: true });
  const editor = /** @type {HTMLFormElement} */ (h('form', { class: 'weight-editor', 'data-testid': 'weight-editor', hidden: true }, [
    h('label', {}, [h('span', { class: 'weight-editor-label' }),
      h('input', { type: 'number', step: 'any', 'data-testid': 'weight-value', required: true })]),
    h('button', { type: 'submit', class: 'btn', 'data-testid': 'weight-apply', 'data-label': 'network.edit.apply' }),
    h('p', { class: 'weight-error', 'data-testid': 'weight-error', hidden: true }),
  ]));
  const head = h('div', { class: 'view-head' }, [
    h('h2', { class: 'view-title', 'data-label': 'network.title' }),
    h('div', { class: 'layer-buttons' }, [removeLayer, layerCount, addLayer]),
  ]);
  return {
    elements: [head, stage, deadInfo, card, editor],
    removeLayer, addLayer, layerCount, svg, links: { visible, hit }, nodes, stage, deadInfo, deadCount, revive, card, editor,
  };
}

/**
 * @param {HTMLElement} container
 * @param {import('../state.js').ViewContext} ctx
 */
export function mountNetwork(container, ctx) {
  ctx.i18n.register(NETWORK_STRINGS);
  ctx.i18n.register(ERROR_STRINGS);
  const t = ctx.t;
  container.classList.add('network-view');
  const parts = skeleton();
  container.replaceChildren(...parts.elements);
  const { stage, svg, nodes, deadInfo, deadCount } = parts;
  const card = createNeuronCard(container, parts.card, t);
  const editor = createWeightEditor(container, parts.editor, { request: ctx.request, t });
  const colors = { lut: divergingLut(1), grey: greyLut(), levels: new Uint32Array(256), greyLevels: new Uint32Array(256) };

  /** @type {any} */ let config = null;
  /** @type {any} */ let catalog = null;
  /** The catalog's limits (`hello.limits`): the add buttons stay disabled before them. */
  /** @type {import('../types/protocol').Limits | null} */ let limits = null;
  /** @type {number[]} */ let domain = [-6, 6, -6, 6];
  /** @type {any} */ let frame = null;
  /** @type {any} */ let diagnostics = null;
  /** The controls a teacher locked (rooms/locks.js). */
  /** @type {ReadonlySet<string>} */ let locked = new Set();
  let signature = '';
  /** links[l][j * n[l-1] + i] is the link from unit i of layer l-1 to unit j of layer l. */
  /** @type {Link[][]} */ let links = [];
  /** neurons[l][j], hidden layers only (l = 1..L-1). */
  /** @type {Neuron[][]} */ let neurons = [];
  /** deadCounts[l]: hidden layer l's dead-count label and the count it shows. */
  /** @type {DeadCount[]} */ let deadCounts = [];
  /** The built column headers' controls: each hidden layer's (heads[l]) and the output's. */
  /** @type {HiddenHead[]} */ let heads = [];
  /** @type {ReturnType<typeof outputHead> | null} */ let outHead = null;
  /** @type {{l: number, j: number} | null} */ let hovered = null;

  /** Layer sizes n[0..L] of the current config. */
  function sizes() {
    const n0 = config?.features?.length ?? 2;
    const hidden = (config?.hidden ?? []).map((/** @type {any} */ layer) => layer.units);
    return [n0, ...hidden, outputUnits()];
  }
  function outputUnits() {
    const data = ctx.store.state.data;
    return data?.task === 'multiclass' ? data.classes : 1;
  }

  /** Sends the hidden layers with one change applied. */
  function setHidden(/** @type {(layers: any[]) => any[]} */ change) {
    const hidden = (config?.hidden ?? []).map((/** @type {any} */ layer) => ({ units: layer.units, activation: layer.activation, batch_norm: Boolean(layer.batch_norm) }));
    ctx.configure({ hidden: change(hidden) });
  }

  parts.addLayer.addEventListener('click', () => setHidden((layers) => {
    const last = layers[layers.length - 1];
    return [...layers, { units: last?.units ?? 4, activation: last?.activation ?? 'tanh', batch_norm: last?.batch_norm ?? false }];
  }));
  parts.removeLayer.addEventListener('click', () => setHidden((layers) => layers.slice(0, -1)));
  // Revive keeps the weights, so the dead neurons can be watched coming back.
  parts.revive.addEventListener('click', () => ctx.send({ type: 'revive', rule: 'leaky' }));

  /** Builds the diagram for the current architecture (not per frame). */
  function build() {
    const n = sizes();
    const L = n.length - 1;
    outHead = outputHead({ output: config?.output, catalog, t, configure: ctx.configure });
    nodes.replaceChildren(outHead.head);
    const g = geometry(stage, n, outHead.head.offsetWidth, outHead.head.offsetHeight);
    const { width, height, xs, tallest, narrow } = g;
    if (!g.fit) stage.style.height = `${height}px`;
    else stage.style.removeProperty('height');
    nodes.style.width = g.tight ? `${width}px` : '';
    stage.style.setProperty('--head-w', `${g.headWidth}px`);
    stage.style.setProperty('--head-top', `${g.lift}px`);
    stage.style.setProperty('--node', `${g.node}px`);
    stage.classList.toggle('narrow', narrow);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const ys = (/** @type {number} */ count, /** @type {number} */ j) => g.head + (tallest - count) * g.pitch / 2 + j * g.pitch + g.pitch / 2;
    const node = (/** @type {number} */ l, /** @type {number} */ j, /** @type {string} */ cls) => {
      const el = placeNode(xs[l], ys(n[l], j), g.node, cls);
      nodes.append(el);
      return el;
    };

    links = buildLinks(parts.links, n, xs, ys, g.node, (l, j, i, event) => editor.open({ l, j, i }, event.clientX, event.clientY, frame));
    nodes.append(inputHead(t));
    (config?.features ?? ['x1', 'x2']).forEach((/** @type {string} */ f, /** @type {number} */ i) => fillInput(node(0, i, 'input-node'), f, domain));
    neurons = [];
    deadCounts = [];
    heads = [];
    const hidden = config?.hidden ?? [];
    for (let l = 1; l < L; l++) {
      const head = hiddenHead(xs[l], l, hidden[l - 1], {
        catalog, narrow, t,
        change: (edit) => setHidden((layers) => {
          edit(layers[l - 1]);
          return layers;
        }),
      });
      nodes.append(head.head);
      heads[l] = head;
      deadCounts[l] = { el: head.dead, shown: 0 };
      neurons[l] = [];
      for (let j = 0; j < n[l]; j++) {
        neurons[l].push(fillNeuron(node(l, j, 'neuron'), l, j, {
          deadWord: t('network.dead'),
          hover(on) {
            hovered = on ? { l, j } : null;
            renderCard();
          },
          edit(x, y) {
            editor.open({ l, j, i: null }, x, y, frame);
          },
        }));
      }
    }
    for (let j = 0; j < n[L]; j++) {
      const out = node(L, j, 'output-node');
      out.dataset.testid = `output-${j}`;
      out.append(h('span', {}, ['ŷ', n[L] > 1 ? h('sub', { text: String(j + 1) }) : null]));
    }
    parts.layerCount.textContent = hidden.length === 1 ? t('network.hiddenLayer') : t('network.hiddenLayers', { n: hidden.length });
    parts.layerCount.title = t('network.hyperparameter', { what: parts.layerCount.textContent });
    renderLocks();
    if (frame) paintFrame(frame);
  }

  /**
   * Enables what the network allows and no lock forbids (a teacher's `layers`, `activation`
   * and `output` locks): no layer past the server's limit, none to remove below zero.
   */
  function renderLocks() {
    const hidden = config?.hidden ?? [];
    const maxLayers = limits?.max_hidden_layers ?? 0;
    const maxUnits = limits?.max_units ?? 0;
    const layers = locked.has('layers');
    const activation = locked.has('activation');
    lockControl(parts.addLayer, layers, hidden.length >= maxLayers);
    lockControl(parts.removeLayer, layers, hidden.length === 0);
    heads.forEach((head, l) => {
      const units = hidden[l - 1]?.units ?? 0;
      lockControl(head.add, layers, units >= maxUnits);
      lockControl(head.remove, layers, units <= 1);
      lockControl(head.activation, activation);
    });
    lockControl(parts.revive, activation);
    if (outHead) {
      lockControl(outHead.activation, locked.has('output'));
      lockControl(outHead.loss, locked.has('output'));
    }
  }

  /** Updates links, thumbnails and dead marks from a frame, touching only what changed. */
  function paintFrame(/** @type {any} */ f) {
    paintLinks(links, f);
    const total = paintNeurons(neurons, deadCounts, f, colors, (count) => t('network.layerDead', { n: count }));
    if (deadCount.textContent !== String(total)) {
      deadCount.textContent = String(total);
      deadInfo.dataset.count = String(total);
    }
    if (hovered) renderCard();
  }

  /** The hover card: the neuron large, with its statistics and weights. */
  function renderCard() {
    const neuron = hovered && neurons[hovered.l]?.[hovered.j];
    if (!hovered || !frame || !neuron) card.hide();
    else card.show({ neuron, l: hovered.l, j: hovered.j, frame, diagnostics, config });
  }

  /** Rebuilds when the architecture, the labels or the width changed. */
  function maybeBuild(force = false) {
    const n = sizes();
    const fit = getComputedStyle(stage).getPropertyValue('--net-fit').trim() === '1';
    const sig = JSON.stringify([n, config?.features, config?.hidden, config?.output, stage.clientWidth,
      fit ? stage.clientHeight : 0, getComputedStyle(document.documentElement).fontSize, ctx.i18n.lang,
      catalog ? 1 : 0, limits?.max_units, limits?.max_hidden_layers]);
    if (force || sig !== signature) {
      signature = sig;
      build();
      return true;
    }
    return false;
  }

  let lastSize = '';
  new ResizeObserver(() => {
    const size = `${stage.clientWidth}x${stage.clientHeight}`;
    if (size !== lastSize) {
      lastSize = size;
      if (config) maybeBuild();
    }
  }).observe(stage);
  applyLabels(container, t);

  return {
    /**
     * @param {any} state
     * @param {Set<string>} changed
     */
    update(state, changed) {
      if (changed.has('catalog')) catalog = state.catalog;
      if (changed.has('hello')) limits = state.hello?.limits ?? null;
      if (changed.has('lang')) applyLabels(container, t);
      if (changed.has('data') && state.data?.domain) domain = state.data.domain;
      if (changed.has('readOnly')) {
        // Nothing to edit (the teacher's spotlight): the controls go, and nothing reacts.
        container.toggleAttribute('data-read-only', Boolean(state.readOnly));
        container.inert = Boolean(state.readOnly);
      }
      if (changed.has('frame') && state.frame) {
        frame = state.frame;
        const d = frame.header.diagnostics;
        if (d && Object.keys(d.layers ?? {}).length) diagnostics = d;
      }
      if (changed.has('locked')) locked = lockedIn(state);
      let built = false;
      if (config !== state.config || changed.has('lang') || changed.has('data') || changed.has('catalog') || changed.has('hello')) {
        config = state.config;
        if (config) built = maybeBuild(changed.has('data') || changed.has('lang'));
      }
      if (changed.has('locked') && !built) renderLocks();
      if (changed.has('frame') && frame && !built && config) paintFrame(frame);
    },
  };
}
