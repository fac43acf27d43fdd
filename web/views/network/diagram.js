// @ts-check
/**
 * The network diagram's drawing: the links (an SVG path per weight, color = sign, width =
 * magnitude, under a wider invisible path that catches the pointer), the nodes, and what a
 * frame changes in them (link strokes, the hidden neurons' thumbnails and dead marks),
 * touching only what changed.
 */
import { feature, paintFeature } from '../../data/features.js';
import { h } from '../../dom.js';
import { NEGATIVE, paintValues, POSITIVE, levelsToPixels, rangeScale } from '../../palette.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @typedef {{el: SVGPathElement, key: number}} Link
 * @typedef {{el: HTMLElement, canvas: HTMLCanvasElement, g: CanvasRenderingContext2D, image: ImageData | null, pixels: Uint32Array, dead: boolean}} Neuron
 * @typedef {{el: HTMLElement, shown: number}} DeadCount
 */

/**
 * The links into every layer: links[l][j * n[l-1] + i] goes from unit i of layer l-1 to unit
 * j of layer l (its hit path has test id `link-l-j-i`).
 * @param {{visible: SVGGElement, hit: SVGGElement}} groups
 * @param {number[]} n  layer sizes n[0..L]
 * @param {number[]} xs  column centres
 * @param {(count: number, j: number) => number} ys  the centre of node j of a column of count
 * @param {number} node  a node's side in px
 * @param {(l: number, j: number, i: number, event: MouseEvent) => void} onClick
 * @returns {Link[][]}
 */
export function buildLinks({ visible, hit }, n, xs, ys, node, onClick) {
  visible.replaceChildren();
  hit.replaceChildren();
  /** @type {Link[][]} */ const links = [];
  for (let l = 1; l < n.length; l++) {
    links[l] = [];
    const x1 = xs[l - 1] + node / 2;
    const x2 = xs[l] - node / 2;
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
        visible.append(path);
        const target = document.createElementNS(SVG, 'path');
        target.setAttribute('d', d);
        target.setAttribute('class', 'link-hit');
        target.dataset.testid = `link-${l}-${j}-${i}`;
        target.addEventListener('click', (event) => onClick(l, j, i, event));
        hit.append(target);
        links[l].push({ el: path, key: NaN });
      }
    }
  }
  return links;
}

/**
 * A node of side `size` centred at (x, y).
 * @param {number} x @param {number} y @param {number} size @param {string} cls
 */
export function placeNode(x, y, size, cls) {
  const el = document.createElement('div');
  el.className = `node ${cls}`;
  el.style.left = `${x - size / 2}px`;
  el.style.top = `${y - size / 2}px`;
  return el;
}

/**
 * An input's node: the feature's picture over the plane and its name.
 * @param {HTMLElement} el @param {string} name @param {number[]} domain
 */
export function fillInput(el, name, domain) {
  el.dataset.testid = `input-${name}`;
  const canvas = document.createElement('canvas');
  const known = feature(name);
  if (known) paintFeature(canvas, known.fn, domain, 24);
  el.append(canvas, h('span', { class: 'node-label', text: known?.label ?? name }));
}

/**
 * A hidden neuron's node: its live thumbnail and the dead badge; it reports the pointer or the
 * focus on it (the hover card) and a click or Enter (its bias editor, at the node's right).
 * @param {HTMLElement} el @param {number} l @param {number} j
 * @param {{deadWord: string, hover: (on: boolean) => void, edit: (x: number, y: number) => void}} on
 * @returns {Neuron}
 */
export function fillNeuron(el, l, j, { deadWord, hover, edit }) {
  el.dataset.testid = `neuron-${l}-${j}`;
  el.dataset.dead = 'false';
  el.tabIndex = 0;
  const canvas = document.createElement('canvas');
  el.append(canvas, h('span', { class: 'dead-badge', text: deadWord }));
  el.addEventListener('pointerenter', () => hover(true));
  el.addEventListener('pointerleave', () => hover(false));
  el.addEventListener('focus', () => hover(true));
  el.addEventListener('blur', () => hover(false));
  const editBias = () => {
    const r = el.getBoundingClientRect();
    edit(r.right, r.top + r.height / 2);
  };
  el.addEventListener('click', editBias);
  el.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      editBias();
    }
  });
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  return { el, canvas, g, image: null, pixels: new Uint32Array(0), dead: false };
}

/**
 * Each link's stroke from the frame's weights W[l].
 * @param {Link[][]} links @param {any} frame
 */
export function paintLinks(links, frame) {
  for (let l = 1; l < links.length; l++) {
    const W = frame.arrays[`W/${l}`];
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
}

/**
 * The hidden neurons' thumbnails (grey when dead) and each layer's dead count, from a frame.
 * @param {Neuron[][]} neurons  neurons[l][j], hidden layers only
 * @param {DeadCount[]} deadCounts  deadCounts[l]
 * @param {any} frame
 * @param {{lut: Uint32Array, grey: Uint32Array, levels: Uint32Array, greyLevels: Uint32Array}} colors
 * @param {(count: number) => string} deadText  the words of a layer's dead count
 * @returns {number} the dead neurons in all layers
 */
export function paintNeurons(neurons, deadCounts, frame, { lut, grey, levels, greyLevels }, deadText) {
  let total = 0;
  for (let l = 1; l < neurons.length; l++) {
    const layer = neurons[l];
    const grid = frame.arrays[`neurons/${l}`];
    if (!layer) continue;
    const dead = new Set((frame.header.dead?.[String(l)] ?? []).map(Number));
    total += dead.size;
    const counter = deadCounts[l];
    if (counter.shown !== dead.size) {
      counter.shown = dead.size;
      counter.el.textContent = dead.size ? deadText(dead.size) : '';
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
  return total;
}
