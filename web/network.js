// @ts-check
/**
 * The network diagram: input features, hidden layers and the output, drawn as an SVG of links
 * (color = sign, width = magnitude of the weight) under a layer of live neuron thumbnails.
 * The structure is built once per architecture; frames only update link attributes and
 * thumbnail pixels in place. Dead ReLU neurons are greyed, outlined in red and counted.
 * Its parts: network/layout.js (where things go), network/neuronCard.js (the hover card),
 * network/weightEditor.js (editing a weight or a bias), network/strings.js (its words). The
 * activations and losses offered, and their symbols, come from the server's catalog.
 */
import { activationFacts, catalogNames } from './catalog.js';
import { feature, paintFeature } from './data/features.js';
import { ERROR_STRINGS } from './errors.js';
import { applyLabels, inSentence, nameLabel } from './i18n.js';
import { geometry, NODE_BASE } from './network/layout.js';
import { createNeuronCard } from './network/neuronCard.js';
import { NETWORK_STRINGS } from './network/strings.js';
import { createWeightEditor } from './network/weightEditor.js';
import { divergingLut, greyLut, levelsToPixels, NEGATIVE, paintValues, POSITIVE, rangeScale } from './palette.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @typedef {{el: SVGPathElement, key: number}} Link
 * @typedef {{el: HTMLElement, canvas: HTMLCanvasElement, g: CanvasRenderingContext2D, image: ImageData | null, pixels: Uint32Array, dead: boolean}} Neuron
 */

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountNetwork(container, ctx) {
  ctx.i18n.register(NETWORK_STRINGS);
  ctx.i18n.register(ERROR_STRINGS);
  const t = ctx.t;
  container.classList.add('network-view');
  container.innerHTML = `
    <div class="view-head">
      <h2 class="view-title" data-label="network.title"></h2>
      <div class="layer-buttons">
        <button type="button" class="btn-icon" data-testid="remove-layer" data-title="network.removeLayer">−</button>
        <span class="layer-count" data-kind="hyperparameter"></span>
        <button type="button" class="btn-icon" data-testid="add-layer" data-title="network.addLayer">+</button>
      </div>
    </div>
    <div class="net-stage">
      <svg class="net-links" aria-hidden="true"><g class="links-visible"></g><g class="links-hit"></g></svg>
      <div class="net-nodes"></div>
    </div>
    <div class="dead-info" data-testid="dead-info" data-count="0">
      <p class="dead-line"><span data-label="network.deadTotal"></span> <b data-testid="dead-count">0</b></p>
      <div class="dead-explain">
        <p data-label="network.deadWhy"></p>
        <p data-label="network.deadHelp"></p>
        <button type="button" class="btn" data-testid="revive-leaky" data-label="network.revive"></button>
      </div>
    </div>
    <div class="neuron-card" data-testid="neuron-card" hidden></div>
    <form class="weight-editor" data-testid="weight-editor" hidden>
      <label><span class="weight-editor-label"></span>
        <input type="number" step="any" data-testid="weight-value" required></label>
      <button type="submit" class="btn" data-testid="weight-apply" data-label="network.edit.apply"></button>
      <p class="weight-error" data-testid="weight-error" hidden></p>
    </form>`;

  const stage = /** @type {HTMLElement} */ (container.querySelector('.net-stage'));
  const svg = /** @type {SVGSVGElement} */ (container.querySelector('.net-links'));
  const visibleLinks = /** @type {SVGGElement} */ (container.querySelector('.links-visible'));
  const hitLinks = /** @type {SVGGElement} */ (container.querySelector('.links-hit'));
  const nodes = /** @type {HTMLElement} */ (container.querySelector('.net-nodes'));
  const card = createNeuronCard(container, /** @type {HTMLElement} */ (container.querySelector('.neuron-card')), t);
  const editor = createWeightEditor(container, /** @type {HTMLFormElement} */ (container.querySelector('.weight-editor')), { request: ctx.request, t });
  const deadInfo = /** @type {HTMLElement} */ (container.querySelector('.dead-info'));
  const deadCount = /** @type {HTMLElement} */ (container.querySelector('[data-testid="dead-count"]'));
  const q = (/** @type {string} */ id) => /** @type {HTMLElement} */ (container.querySelector(`[data-testid="${id}"]`));

  const lut = divergingLut(1);
  const grey = greyLut();
  const levels = new Uint32Array(256);
  const greyLevels = new Uint32Array(256);

  /** @type {any} */ let config = null;
  /** @type {any} */ let catalog = null;
  /** @type {any} */ let limits = {};
  /** @type {number[]} */ let domain = [-6, 6, -6, 6];
  /** @type {any} */ let frame = null;
  /** @type {any} */ let diagnostics = null;
  let signature = '';
  /** links[l][j * n[l-1] + i] is the link from unit i of layer l-1 to unit j of layer l. */
  /** @type {Link[][]} */ let links = [];
  /** neurons[l][j], hidden layers only (l = 1..L-1). */
  /** @type {Neuron[][]} */ let neurons = [];
  /** deadCounts[l]: hidden layer l's dead-count label and the count it shows. */
  /** @type {{el: HTMLElement, shown: number}[]} */ let deadCounts = [];
  /** @type {{l: number, j: number} | null} */ let hovered = null;
  /** The side of a node in px, set by build() from the root font and the room. */
  let NODE = NODE_BASE;

  /** Layer sizes n[0..L] of the current config. */
  function sizes() {
    const n0 = config?.features?.length ?? 2;
    const hidden = (config?.hidden ?? []).map((/** @type {any} */ h) => h.units);
    return [n0, ...hidden, outputUnits()];
  }
  function outputUnits() {
    const data = ctx.store.state.data;
    return data?.task === 'multiclass' ? data.classes : 1;
  }

  /** Sends the hidden layers with one change applied. */
  function setHidden(/** @type {(h: any[]) => any[]} */ change) {
    const hidden = (config?.hidden ?? []).map((/** @type {any} */ h) => ({ units: h.units, activation: h.activation, batch_norm: Boolean(h.batch_norm) }));
    ctx.configure({ hidden: change(hidden) });
  }

  q('add-layer').addEventListener('click', () => setHidden((h) => {
    const last = h[h.length - 1];
    return [...h, { units: last?.units ?? 4, activation: last?.activation ?? 'tanh', batch_norm: last?.batch_norm ?? false }];
  }));
  q('remove-layer').addEventListener('click', () => setHidden((h) => h.slice(0, -1)));
  // Revive keeps the weights, so the dead neurons can be watched coming back.
  q('revive-leaky').addEventListener('click', () => ctx.send({ type: 'revive', rule: 'leaky' }));

  /** The output column's header: its activation and loss selects (its width sets the room on the right). */
  function outputHead() {
    const out = config?.output ?? {};
    const named = (/** @type {string | undefined} */ name) => (name ? inSentence(nameLabel(t, name)) : '…');
    const autoAct = t('network.auto', { name: named(out.resolved_activation) });
    const autoLoss = t('network.auto', { name: named(out.resolved_loss) });
    const head = columnHead(0, `
      <span class="col-title">${t('network.output')}</span>
      <select class="act-select" data-testid="output-activation" aria-label="${t('network.outputActivation')}" title="${t('network.outputActivation')}">
        <option value="auto">${autoAct}</option>
        ${catalogNames(catalog, 'activations').map((/** @type {string} */ a) => `<option value="${a}">${t(`act.${a}`)}</option>`).join('')}
      </select>
      <select class="act-select" data-testid="output-loss" aria-label="${t('network.loss')}" title="${t('network.loss')}">
        <option value="auto">${autoLoss}</option>
        ${catalogNames(catalog, 'losses').map((/** @type {string} */ a) => `<option value="${a}">${t(`lossname.${a}`)}</option>`).join('')}
      </select>`);
    head.classList.add('col-head-output');
    const actSelect = /** @type {HTMLSelectElement} */ (head.querySelector('[data-testid="output-activation"]'));
    const lossSelect = /** @type {HTMLSelectElement} */ (head.querySelector('[data-testid="output-loss"]'));
    actSelect.value = out.activation ?? 'auto';
    lossSelect.value = out.loss ?? 'auto';
    actSelect.addEventListener('change', () => ctx.configure({ output: { activation: actSelect.value } }));
    lossSelect.addEventListener('change', () => ctx.configure({ output: { loss: lossSelect.value } }));
    return head;
  }

  /** Builds the diagram for the current architecture (not per frame). */
  function build() {
    const n = sizes();
    const L = n.length - 1;
    const outHead = outputHead();
    nodes.replaceChildren(outHead);
    const g = geometry(stage, n, outHead.offsetWidth);
    const { width, height, xs, tallest, narrow } = g;
    const HEAD = g.head;
    const PITCH = g.pitch;
    NODE = g.node;
    if (!g.fit) stage.style.height = `${height}px`;
    else stage.style.removeProperty('height');
    nodes.style.width = g.tight ? `${width}px` : '';
    stage.style.setProperty('--head-w', `${g.headWidth}px`);
    stage.style.setProperty('--node', `${NODE}px`);
    stage.classList.toggle('narrow', narrow);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const ys = (/** @type {number} */ count, /** @type {number} */ j) => HEAD + (tallest - count) * PITCH / 2 + j * PITCH + PITCH / 2;

    visibleLinks.replaceChildren();
    hitLinks.replaceChildren();
    links = [];
    neurons = [];
    deadCounts = [];
    for (let l = 1; l <= L; l++) {
      links[l] = [];
      const x1 = xs[l - 1] + NODE / 2;
      const x2 = xs[l] - NODE / 2;
      const xm = (x1 + x2) / 2;
      for (let j = 0; j < n[l]; j++) {
        for (let i = 0; i < n[l - 1]; i++) {
          const y1 = ys(n[l - 1], i);
          const y2 = ys(n[l], j);
          const d = `M${x1},${y1} C${xm},${y1} ${xm},${y2} ${x2},${y2}`;
          const path = document.createElementNS(SVG, 'path');
          path.setAttribute('d', d);
          path.setAttribute('class', 'link');
          path.setAttribute('stroke', '#c8ccd4');
          path.setAttribute('stroke-width', '1');
          visibleLinks.append(path);
          const hit = document.createElementNS(SVG, 'path');
          hit.setAttribute('d', d);
          hit.setAttribute('class', 'link-hit');
          hit.dataset.testid = `link-${l}-${j}-${i}`;
          hit.addEventListener('click', (event) => editor.open({ l, j, i }, event.clientX, event.clientY, frame));
          hitLinks.append(hit);
          links[l].push({ el: path, key: NaN });
        }
      }
    }

    // Inputs.
    const features = config?.features ?? ['x1', 'x2'];
    const inHead = columnHead(xs[0], `<span class="col-title">${t('network.inputs')}</span>`);
    inHead.classList.add('col-head-input');
    nodes.append(inHead);
    features.forEach((/** @type {string} */ f, /** @type {number} */ i) => {
      const el = node(xs[0], ys(n[0], i), 'input-node');
      el.dataset.testid = `input-${f}`;
      const canvas = document.createElement('canvas');
      const known = feature(f);
      if (known) paintFeature(canvas, known.fn, domain, 24);
      const label = document.createElement('span');
      label.className = 'node-label';
      label.textContent = known?.label ?? f;
      el.append(canvas, label);
    });

    // Hidden layers.
    const hidden = config?.hidden ?? [];
    for (let l = 1; l < L; l++) {
      const layer = hidden[l - 1];
      const head = columnHead(xs[l], `
        <div class="units-row">
          <button type="button" class="btn-mini" data-testid="remove-neuron-${l}" title="${t('network.removeNeuron', { l })}" aria-label="${t('network.removeNeuron', { l })}">−</button>
          <button type="button" class="btn-mini" data-testid="add-neuron-${l}" title="${t('network.addNeuron', { l })}" aria-label="${t('network.addNeuron', { l })}">+</button>
        </div>
        <span class="col-sub" data-kind="hyperparameter" title="${t('network.hyperparameter', { what: layer.units === 1 ? t('network.neuron') : t('network.neurons', { n: layer.units }) })}"><span class="col-sub-long">${layer.units === 1 ? t('network.neuron') : t('network.neurons', { n: layer.units })}</span><span class="col-sub-short">${layer.units}</span></span>
        <select class="act-select" data-testid="activation-${l}" aria-label="${t('network.activation', { l })}" title="${t('network.activation', { l })}">
          ${catalogNames(catalog, 'hidden_activations').map((/** @type {string} */ a) => `<option value="${a}"${a === layer.activation ? ' selected' : ''}>${narrow ? (activationFacts(catalog, a)?.short ?? t(`act.${a}`)) : t(`act.${a}`)}</option>`).join('')}
        </select>
        <button type="button" class="btn-mini bn-toggle" data-testid="batch-norm-${l}" aria-pressed="${Boolean(layer.batch_norm)}" title="${t('network.batchNorm', { l })}" aria-label="${t('network.batchNorm', { l })}">BN</button>
        <span class="layer-dead" data-testid="dead-count-${l}"></span>`);
      nodes.append(head);
      const maxUnits = Number(limits.max_units) || 8;
      /** @type {HTMLButtonElement} */ (head.querySelector(`[data-testid="add-neuron-${l}"]`)).disabled = layer.units >= maxUnits;
      /** @type {HTMLButtonElement} */ (head.querySelector(`[data-testid="remove-neuron-${l}"]`)).disabled = layer.units <= 1;
      head.querySelector(`[data-testid="add-neuron-${l}"]`)?.addEventListener('click', () => setHidden((h) => {
        h[l - 1].units += 1;
        return h;
      }));
      head.querySelector(`[data-testid="remove-neuron-${l}"]`)?.addEventListener('click', () => setHidden((h) => {
        h[l - 1].units -= 1;
        return h;
      }));
      head.querySelector(`[data-testid="batch-norm-${l}"]`)?.addEventListener('click', () => setHidden((h) => {
        h[l - 1].batch_norm = !h[l - 1].batch_norm;
        return h;
      }));
      head.querySelector('select')?.addEventListener('change', (event) => setHidden((h) => {
        h[l - 1].activation = /** @type {HTMLSelectElement} */ (event.target).value;
        return h;
      }));
      deadCounts[l] = { el: /** @type {HTMLElement} */ (head.querySelector('.layer-dead')), shown: 0 };
      neurons[l] = [];
      for (let j = 0; j < n[l]; j++) {
        const el = node(xs[l], ys(n[l], j), 'neuron');
        el.dataset.testid = `neuron-${l}-${j}`;
        el.dataset.dead = 'false';
        el.tabIndex = 0;
        const canvas = document.createElement('canvas');
        const badge = document.createElement('span');
        badge.className = 'dead-badge';
        badge.textContent = t('network.dead');
        el.append(canvas, badge);
        el.addEventListener('pointerenter', () => { hovered = { l, j }; renderCard(); });
        el.addEventListener('pointerleave', () => { hovered = null; renderCard(); });
        el.addEventListener('focus', () => { hovered = { l, j }; renderCard(); });
        el.addEventListener('blur', () => { hovered = null; renderCard(); });
        const editBias = () => {
          const r = el.getBoundingClientRect();
          editor.open({ l, j, i: null }, r.right, r.top + r.height / 2, frame);
        };
        el.addEventListener('click', editBias);
        el.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            editBias();
          }
        });
        const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
        neurons[l].push({ el, canvas, g, image: null, pixels: new Uint32Array(0), dead: false });
      }
    }

    for (let j = 0; j < n[L]; j++) {
      const el = node(xs[L], ys(n[L], j), 'output-node');
      el.dataset.testid = `output-${j}`;
      el.innerHTML = `<span>ŷ${n[L] > 1 ? `<sub>${j + 1}</sub>` : ''}</span>`;
    }

    const maxLayers = Number(limits.max_hidden_layers) || 6;
    /** @type {HTMLButtonElement} */ (q('add-layer')).disabled = hidden.length >= maxLayers;
    /** @type {HTMLButtonElement} */ (q('remove-layer')).disabled = hidden.length === 0;
    const layerCount = /** @type {HTMLElement} */ (container.querySelector('.layer-count'));
    layerCount.textContent = hidden.length === 1
      ? t('network.hiddenLayer') : t('network.hiddenLayers', { n: hidden.length });
    layerCount.title = t('network.hyperparameter', { what: layerCount.textContent });
    if (frame) paintFrame(frame);
  }

  /** A column header at x. */
  function columnHead(/** @type {number} */ x, /** @type {string} */ html) {
    const head = document.createElement('div');
    head.className = 'col-head';
    head.style.left = `${x}px`;
    head.innerHTML = html;
    return head;
  }

  /** A node centred at (x, y). */
  function node(/** @type {number} */ x, /** @type {number} */ y, /** @type {string} */ cls) {
    const el = document.createElement('div');
    el.className = `node ${cls}`;
    el.style.left = `${x - NODE / 2}px`;
    el.style.top = `${y - NODE / 2}px`;
    nodes.append(el);
    return el;
  }

  /** Updates links, thumbnails and dead marks from a frame, touching only what changed. */
  function paintFrame(/** @type {any} */ f) {
    const n = sizes();
    const L = n.length - 1;
    for (let l = 1; l <= L; l++) {
      const W = f.arrays[`W/${l}`];
      const row = links[l];
      if (!W || !row || W.data.length !== row.length) continue;
      for (let k = 0; k < row.length; k++) {
        const w = W.data[k];
        const width = Math.min(Math.abs(w), 4) * 1.4 + 0.5;
        const key = Math.sign(w) * Math.round(width * 2);
        const link = row[k];
        if (key === link.key) continue;
        link.key = key;
        link.el.setAttribute('stroke', w < 0 ? NEGATIVE : POSITIVE);
        link.el.setAttribute('stroke-width', (Math.round(width * 2) / 2).toFixed(1));
      }
    }
    let total = 0;
    for (let l = 1; l < L; l++) {
      const layer = neurons[l];
      const grid = f.arrays[`neurons/${l}`];
      if (!layer) continue;
      const dead = new Set((f.header.dead?.[String(l)] ?? []).map(Number));
      total += dead.size;
      const counter = deadCounts[l];
      if (counter.shown !== dead.size) {
        counter.shown = dead.size;
        counter.el.textContent = dead.size ? t('network.layerDead', { n: dead.size }) : '';
      }
      if (!grid || grid.shape[0] !== layer.length) continue;
      const r = grid.shape[1];
      const count = r * grid.shape[2];
      const scale = rangeScale(grid.range);
      levelsToPixels(lut, grid.range, scale, levels);
      levelsToPixels(grey, grid.range, scale, greyLevels);
      for (let j = 0; j < layer.length; j++) {
        const neuron = layer[j];
        const isDead = dead.has(j);
        if (isDead !== neuron.dead) {
          neuron.dead = isDead;
          neuron.el.dataset.dead = String(isDead);
          neuron.el.classList.toggle('dead', isDead);
        }
        if (!neuron.image || neuron.image.width !== r) {
          neuron.canvas.width = r;
          neuron.canvas.height = r;
          neuron.image = new ImageData(r, r);
          neuron.pixels = new Uint32Array(neuron.image.data.buffer);
        }
        paintValues(neuron.pixels, grid.data, j * count, count, isDead ? greyLevels : levels, isDead ? grey : lut, scale);
        neuron.g.putImageData(neuron.image, 0, 0);
      }
    }
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

  function relabel() {
    applyLabels(container, t);
  }

  /** Rebuilds when the architecture, the labels or the width changed. */
  function maybeBuild(force = false) {
    const n = sizes();
    const fit = getComputedStyle(stage).getPropertyValue('--net-fit').trim() === '1';
    const sig = JSON.stringify([n, config?.features, config?.hidden, config?.output, stage.clientWidth,
      fit ? stage.clientHeight : 0, getComputedStyle(document.documentElement).fontSize, ctx.i18n.lang,
      catalog ? 1 : 0, limits.max_units, limits.max_hidden_layers]);
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
  relabel();

  return {
    /**
     * @param {any} state
     * @param {Set<string>} changed
     */
    update(state, changed) {
      if (changed.has('catalog')) catalog = state.catalog;
      if (changed.has('hello')) limits = state.hello?.limits ?? {};
      if (changed.has('lang')) relabel();
      if (changed.has('data') && state.data?.domain) domain = state.data.domain;
      if (changed.has('frame') && state.frame) {
        frame = state.frame;
        const d = frame.header.diagnostics;
        if (d && Object.keys(d.layers ?? {}).length) diagnostics = d;
      }
      let built = false;
      if (config !== state.config || changed.has('lang') || changed.has('data') || changed.has('catalog') || changed.has('hello')) {
        config = state.config;
        if (config) built = maybeBuild(changed.has('data') || changed.has('lang'));
      }
      if (changed.has('frame') && frame && !built && config) paintFrame(frame);
    },
  };
}
