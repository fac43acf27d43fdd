// @ts-check
/**
 * The network diagram: input features, hidden layers and the output, drawn as an SVG of links
 * (color = sign, width = magnitude of the weight) under a layer of live neuron thumbnails.
 * The structure is built once per architecture; frames only update link attributes and
 * thumbnail pixels in place. Dead ReLU neurons are greyed, outlined in red and counted.
 */
import { feature, paintFeature } from './data/features.js';
import { ERROR_STRINGS, errorText } from './errors.js';
import { applyLabels, formatNumber, formatPercent, inSentence, nameLabel } from './i18n.js';
import { divergingCss, divergingLut, greyLut, levelsToPixels, NEGATIVE, paintValues, POSITIVE, rangeScale } from './palette.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Activation names short enough for a compact layer header (the full name is its tooltip). */
const SHORT_ACT = /** @type {Record<string, string>} */ ({
  sigmoid: 'σ', tanh: 'tanh', relu: 'ReLU', leaky_relu: 'LReLU', elu: 'ELU', identity: 'id',
});
const NODE_BASE = 40;
const PITCH_BASE = 52;
/** The catalog's lists until the server's catalog arrives. */
const FALLBACK = {
  hidden_activations: ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'linear'],
  activations: ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'linear', 'softmax'],
  losses: ['mse', 'bce', 'cce'],
};

const STRINGS = {
  en: {
    'network.title': 'Network',
    'network.hiddenLayers': '{n} hidden layers',
    'network.hiddenLayer': '1 hidden layer',
    'network.addLayer': 'Add a hidden layer',
    'network.removeLayer': 'Remove the last hidden layer',
    'network.addNeuron': 'Add a neuron to layer {l}',
    'network.removeNeuron': 'Remove a neuron from layer {l}',
    'network.neurons': '{n} neurons',
    'network.neuron': '1 neuron',
    'network.inputs': 'Inputs',
    'network.output': 'Output',
    'network.activation': 'Activation of layer {l}',
    'network.batchNorm': 'Batch normalization of layer {l}: Z̃ = γ (Z − μ)/√(σ² + ε) + β before the activation',
    'network.outputActivation': 'Output activation',
    'network.loss': 'Loss',
    'network.auto': 'auto ({name})',
    'network.dead': 'dead',
    'network.layerDead': '{n} dead',
    'network.deadTotal': 'Dead neurons:',
    'network.deadWhy': 'A ReLU neuron dies when its input z is negative for every training point: its output and its gradient are then 0, so gradient descent can never bring it back. A too-large learning rate or a very negative bias usually pushes it there.',
    'network.deadHelp': 'What helps: a smaller learning rate, Leaky ReLU (a small slope for z < 0 keeps the gradient alive), He initialization.',
    'network.revive': 'Switch ReLU layers to Leaky ReLU',
    'network.card.layer': 'Layer {l}, neuron {j}',
    'network.card.active': 'Active on',
    'network.card.saturation': 'Layer saturation',
    'network.card.bias': 'Bias b',
    'network.card.weights': 'Incoming weights',
    'network.card.deadSince': 'Dead since epoch {epoch}',
    'network.card.hint': 'Click the neuron to edit its bias; click a link to edit its weight.',
    'network.edit.weight': 'W[{l}] row {j}, column {i}',
    'network.edit.bias': 'b[{l}] row {j}',
    'network.edit.apply': 'Set',
    'network.edit.invalid': 'Enter a number.',
    'act.sigmoid': 'Sigmoid',
    'act.tanh': 'Tanh',
    'act.relu': 'ReLU',
    'act.leaky_relu': 'Leaky ReLU',
    'act.elu': 'ELU',
    'act.linear': 'Linear',
    'act.softmax': 'Softmax',
    'lossname.mse': 'MSE',
    'lossname.bce': 'Binary cross-entropy',
    'lossname.cce': 'Cross-entropy',
  },
  fr: {
    'network.title': 'Réseau',
    'network.hiddenLayers': '{n} couches cachées',
    'network.hiddenLayer': '1 couche cachée',
    'network.addLayer': 'Ajouter une couche cachée',
    'network.removeLayer': 'Retirer la dernière couche cachée',
    'network.addNeuron': 'Ajouter un neurone à la couche {l}',
    'network.removeNeuron': 'Retirer un neurone de la couche {l}',
    'network.neurons': '{n} neurones',
    'network.neuron': '1 neurone',
    'network.inputs': 'Entrées',
    'network.output': 'Sortie',
    'network.activation': 'Activation de la couche {l}',
    'network.batchNorm': 'Normalisation par lots de la couche {l} : Z̃ = γ (Z − μ)/√(σ² + ε) + β avant l’activation',
    'network.outputActivation': 'Activation de sortie',
    'network.loss': 'Fonction de perte',
    'network.auto': 'auto ({name})',
    'network.dead': 'mort',
    'network.layerDead': '{n} morts',
    'network.deadTotal': 'Neurones morts :',
    'network.deadWhy': 'Un neurone ReLU meurt quand son entrée z est négative pour tous les points d’entraînement : sa sortie et son gradient valent alors 0, et la descente de gradient ne peut plus le ramener. C’est en général un taux d’apprentissage trop grand ou un biais très négatif qui l’y pousse.',
    'network.deadHelp': 'Ce qui aide : un taux d’apprentissage plus petit, Leaky ReLU (une petite pente pour z < 0 garde le gradient en vie), l’initialisation de He.',
    'network.revive': 'Passer les couches ReLU en Leaky ReLU',
    'network.card.layer': 'Couche {l}, neurone {j}',
    'network.card.active': 'Actif sur',
    'network.card.saturation': 'Saturation de la couche',
    'network.card.bias': 'Biais b',
    'network.card.weights': 'Poids entrants',
    'network.card.deadSince': 'Mort depuis l’époque {epoch}',
    'network.card.hint': 'Cliquez sur le neurone pour modifier son biais, sur un lien pour modifier son poids.',
    'network.edit.weight': 'W[{l}] ligne {j}, colonne {i}',
    'network.edit.bias': 'b[{l}] ligne {j}',
    'network.edit.apply': 'Appliquer',
    'network.edit.invalid': 'Entrez un nombre.',
    'act.sigmoid': 'Sigmoïde',
    'act.tanh': 'Tanh',
    'act.relu': 'ReLU',
    'act.leaky_relu': 'Leaky ReLU',
    'act.elu': 'ELU',
    'act.linear': 'Linéaire',
    'act.softmax': 'Softmax',
    'lossname.mse': 'Erreur quadratique',
    'lossname.bce': 'Entropie croisée binaire',
    'lossname.cce': 'Entropie croisée',
  },
};

/**
 * @typedef {{el: SVGPathElement, key: number}} Link
 * @typedef {{el: HTMLElement, canvas: HTMLCanvasElement, g: CanvasRenderingContext2D, image: ImageData | null, pixels: Uint32Array, dead: boolean}} Neuron
 */

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountNetwork(container, ctx) {
  ctx.i18n.register(STRINGS);
  ctx.i18n.register(ERROR_STRINGS);
  const t = ctx.t;
  container.classList.add('network-view');
  container.innerHTML = `
    <div class="view-head">
      <h2 class="view-title" data-label="network.title"></h2>
      <div class="layer-buttons">
        <button type="button" class="btn-icon" data-testid="remove-layer" data-title="network.removeLayer">−</button>
        <span class="layer-count"></span>
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
  const card = /** @type {HTMLElement} */ (container.querySelector('.neuron-card'));
  const editor = /** @type {HTMLFormElement} */ (container.querySelector('.weight-editor'));
  const editorInput = /** @type {HTMLInputElement} */ (editor.querySelector('input'));
  const editorError = /** @type {HTMLElement} */ (editor.querySelector('.weight-error'));
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
  /** @type {{l: number, j: number, i: number | null} | null} */ let editing = null;
  /** @type {number | null} */ let editId = null;
  const cardCanvas = document.createElement('canvas');
  /** The side of a node in px, set by build() from the root font and the room. */
  let NODE = NODE_BASE;

  /** The catalog's list `key` (or its fallback). */
  const catalogList = (/** @type {keyof typeof FALLBACK} */ key) => {
    const list = catalog?.[key];
    return Array.isArray(list) && list.length ? list : FALLBACK[key];
  };

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
  q('revive-leaky').addEventListener('click', () => ctx.send({ type: 'revive' }));

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
        ${catalogList('activations').map((/** @type {string} */ a) => `<option value="${a}">${t(`act.${a}`)}</option>`).join('')}
      </select>
      <select class="act-select" data-testid="output-loss" aria-label="${t('network.loss')}" title="${t('network.loss')}">
        <option value="auto">${autoLoss}</option>
        ${catalogList('losses').map((/** @type {string} */ a) => `<option value="${a}">${t(`lossname.${a}`)}</option>`).join('')}
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

  /**
   * Where everything goes, in px, for layer sizes n and an output header outWidth wide. Sizes
   * follow the root font (presenter mode enlarges it); a stage whose CSS sets `--net-fit: 1`
   * (presenter mode) has its height from the layout, and the diagram fills it.
   * @param {number[]} n @param {number} outWidth
   */
  function geometry(n, outWidth) {
    const L = n.length - 1;
    const tallest = Math.max(...n);
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 14;
    const head = Math.round((92 / 14) * rem);
    const fit = getComputedStyle(stage).getPropertyValue('--net-fit').trim() === '1';
    const pitch = fit
      ? Math.max(30, Math.min(1.8 * PITCH_BASE, Math.floor((stage.clientHeight - head - 12) / tallest)))
      : PITCH_BASE;
    const height = head + tallest * pitch + 12;
    const left = Math.round(5 * rem);
    // Room on the right for the output's selects, whole ("auto (sigmoid)"), clear of the last
    // hidden layer's header: right + spacing / 2 >= their width.
    const roomFor = (/** @type {number} */ w) => (L > 1 ? (outWidth + 4 - (w - left) / (2 * L)) / (1 - 1 / (2 * L)) : outWidth);
    let width = Math.max(stage.clientWidth, 280);
    // On a phone, six layers need more room than the panel has: the diagram keeps columns
    // at least 2.9rem apart and scrolls sideways inside its panel (the page itself does not).
    const minSpacing = 2.9 * rem;
    const tight = L > 0 && (width - left - Math.max(4.3 * rem, roomFor(width))) / L < minSpacing;
    if (tight) width = Math.ceil(left + Math.max(4.3 * rem, outWidth / 2 + 4) + L * minSpacing + outWidth / 2);
    const right = Math.round(Math.max(4.3 * rem, outWidth / 2 + 4, roomFor(width)));
    const xs = n.map((_, l) => left + (L === 0 ? 0 : (l * (width - left - right)) / L));
    // Column headers as wide as the space between two columns allows: six layers of eight
    // in a narrow column get compact headers (the unit count without its word).
    const spacing = L === 0 ? width : (width - left - right) / L;
    const headWidth = Math.min(Math.round(5.3 * rem), Math.floor(spacing - 4));
    // Nodes as large as the row pitch allows, leaving room for the links between columns.
    const node = Math.max(24, Math.round(Math.min((pitch * NODE_BASE) / PITCH_BASE, 0.55 * spacing)));
    return {
      width, height, fit, tight, xs, tallest, head, pitch, node, headWidth,
      narrow: headWidth < 5.3 * rem - 1,
    };
  }

  /** Builds the diagram for the current architecture (not per frame). */
  function build() {
    const n = sizes();
    const L = n.length - 1;
    const outHead = outputHead();
    nodes.replaceChildren(outHead);
    const g = geometry(n, outHead.offsetWidth);
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
          hit.addEventListener('click', (event) => openEditor({ l, j, i }, event.clientX, event.clientY));
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
        <span class="col-sub" title="${layer.units === 1 ? t('network.neuron') : t('network.neurons', { n: layer.units })}"><span class="col-sub-long">${layer.units === 1 ? t('network.neuron') : t('network.neurons', { n: layer.units })}</span><span class="col-sub-short">${layer.units}</span></span>
        <select class="act-select" data-testid="activation-${l}" aria-label="${t('network.activation', { l })}" title="${t('network.activation', { l })}">
          ${catalogList('hidden_activations').map((/** @type {string} */ a) => `<option value="${a}"${a === layer.activation ? ' selected' : ''}>${narrow ? (SHORT_ACT[a] ?? t(`act.${a}`)) : t(`act.${a}`)}</option>`).join('')}
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
          openEditor({ l, j, i: null }, r.right, r.top + r.height / 2);
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
    container.querySelector('.layer-count').textContent = hidden.length === 1
      ? t('network.hiddenLayer') : t('network.hiddenLayers', { n: hidden.length });
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
    if (!hovered || !frame) {
      card.hidden = true;
      return;
    }
    const { l, j } = hovered;
    const neuron = neurons[l]?.[j];
    if (!neuron) {
      card.hidden = true;
      return;
    }
    const stats = diagnostics?.layers?.[String(l)];
    const W = frame.arrays[`W/${l}`];
    const b = frame.arrays[`b/${l}`];
    const nPrev = W ? W.shape[1] : 0;
    const names = l === 1 ? (config?.features ?? []).map((/** @type {string} */ f) => feature(f)?.label ?? f)
      : Array.from({ length: nPrev }, (_, i) => `a${sub(l - 1)}${sub(i + 1)}`);
    const weights = [];
    for (let i = 0; i < nPrev; i++) {
      const w = W.data[j * nPrev + i];
      const pct = Math.min(100, Math.abs(w) * 25);
      weights.push(`<div class="w-row"><span class="w-name">${names[i] ?? i}</span><span class="w-bar"><i style="width:${pct}%;background:${divergingCss(Math.sign(w))}"></i></span><span class="w-val">${formatNumber(w, { minimumFractionDigits: 3, maximumFractionDigits: 3 })}</span></div>`);
    }
    const share = stats?.active_share?.[j];
    const since = frame.header.dead_since?.[String(l)]?.[String(j)];
    card.innerHTML = `
      <h3>${t('network.card.layer', { l, j: j + 1 })} · ${t(`act.${config?.hidden?.[l - 1]?.activation ?? ''}`)}</h3>
      <div class="card-body"><div class="card-canvas"></div>
      <dl>
        <dt>${t('network.card.active')}</dt><dd data-testid="card-active">${share === undefined ? '–' : formatPercent(share, 1)}</dd>
        <dt>${t('network.card.saturation')}</dt><dd>${stats?.saturation === null || stats?.saturation === undefined ? '–' : formatPercent(stats.saturation, 1)}</dd>
        <dt>${t('network.card.bias')}</dt><dd>${b ? formatNumber(b.data[j], { minimumFractionDigits: 3, maximumFractionDigits: 3 }) : '–'}</dd>
      </dl></div>
      ${neuron.dead ? `<p class="card-dead">${since === undefined ? t('network.dead') : t('network.card.deadSince', { epoch: since })}</p>` : ''}
      <h4>${t('network.card.weights')}</h4>${weights.join('')}
      <p class="hint">${t('network.card.hint')}</p>`;
    const canvas = cardCanvas;
    canvas.width = neuron.canvas.width;
    canvas.height = neuron.canvas.height;
    if (neuron.image) /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d')).putImageData(neuron.image, 0, 0);
    card.querySelector('.card-canvas')?.append(canvas);
    card.classList.toggle('dead', neuron.dead);
    const box = container.getBoundingClientRect();
    const r = neuron.el.getBoundingClientRect();
    const left = r.right - box.left + 10;
    card.style.left = `${Math.min(left, box.width - 290)}px`;
    card.style.top = `${r.top - box.top}px`;
    card.hidden = false;
  }

  /** Opens the weight (or bias, when i is null) editor near (x, y). */
  function openEditor(/** @type {{l: number, j: number, i: number | null}} */ target, /** @type {number} */ x, /** @type {number} */ y) {
    editing = target;
    editId = null;
    const { l, j, i } = target;
    const W = frame?.arrays?.[`W/${l}`];
    const b = frame?.arrays?.[`b/${l}`];
    const value = i === null ? b?.data?.[j] : W?.data?.[j * W.shape[1] + i];
    editor.querySelector('.weight-editor-label').textContent = i === null
      ? t('network.edit.bias', { l, j: j + 1 }) : t('network.edit.weight', { l, j: j + 1, i: (i ?? 0) + 1 });
    editorInput.value = value === undefined ? '0' : String(Number(value.toFixed(4)));
    editorError.hidden = true;
    const box = container.getBoundingClientRect();
    editor.style.left = `${Math.max(0, Math.min(x - box.left + 8, box.width - 240))}px`;
    editor.style.top = `${y - box.top + 8}px`;
    editor.hidden = false;
    editorInput.focus();
    editorInput.select();
  }

  editor.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editing) return;
    const value = Number(editorInput.value);
    if (editorInput.value.trim() === '' || !Number.isFinite(value)) {
      editorError.textContent = t('network.edit.invalid');
      editorError.hidden = false;
      return;
    }
    const { l, j, i } = editing;
    editId = ctx.send(i === null
      ? { type: 'set_weight', layer: l, row: j, bias: true, value }
      : { type: 'set_weight', layer: l, row: j, col: i, value });
    editor.hidden = true;
  });
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') editor.hidden = true;
  });
  document.addEventListener('pointerdown', (event) => {
    if (!editor.hidden && !editor.contains(/** @type {Node} */ (event.target))
        && !(/** @type {Element} */ (event.target)).closest?.('.link-hit, .neuron')) editor.hidden = true;
  });

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
      if (changed.has('errors') && editId !== null) {
        const latest = state.errors[state.errors.length - 1];
        if (latest?.id === editId && editing) {
          editorError.textContent = errorText(t, latest);
          editorError.hidden = false;
          editor.hidden = false;
        }
      }
    },
  };
}

/** A subscript digit string: 12 -> "₁₂". */
function sub(/** @type {number} */ k) {
  return String(k).replace(/\d/g, (d) => String.fromCharCode(0x2080 + Number(d)));
}
