// @ts-check
/**
 * The engine's input features as fixed functions of (x1, x2): their names and thumbnails, for
 * the data panel's toggles, the network's input nodes and the equations.
 * Keys are the engine's `FEATURES` registry keys.
 */
import { divergingLut, paintValues } from '../palette.js';

const LUT = divergingLut();

/**
 * Each feature's key, its name as HTML and as plain text (for text-only places), and its function.
 * @type {{key: string, html: string, label: string, fn: (x1: number, x2: number) => number}[]}
 */
export const FEATURES = [
  { key: 'x1', html: 'x<sub>1</sub>', label: 'x₁', fn: (a) => a },
  { key: 'x2', html: 'x<sub>2</sub>', label: 'x₂', fn: (_a, b) => b },
  { key: 'x1_sq', html: 'x<sub>1</sub><sup>2</sup>', label: 'x₁²', fn: (a) => a * a },
  { key: 'x2_sq', html: 'x<sub>2</sub><sup>2</sup>', label: 'x₂²', fn: (_a, b) => b * b },
  { key: 'x1x2', html: 'x<sub>1</sub>x<sub>2</sub>', label: 'x₁x₂', fn: (a, b) => a * b },
  { key: 'sin_x1', html: 'sin(x<sub>1</sub>)', label: 'sin(x₁)', fn: (a) => Math.sin(a) },
  { key: 'sin_x2', html: 'sin(x<sub>2</sub>)', label: 'sin(x₂)', fn: (_a, b) => Math.sin(b) },
];

/**
 * The feature with this key, if we know it.
 * @param {string} key
 */
export function feature(key) {
  return FEATURES.find((f) => f.key === key);
}

/**
 * Paints feature `fn` over `domain` into `canvas` at `res`×`res` (CSS scales it up).
 * Values are divided by their largest magnitude over the domain, so every thumbnail uses the
 * whole ramp; row 0 is the top (largest x2), as in the boundary plot.
 * @param {HTMLCanvasElement} canvas
 * @param {(x1: number, x2: number) => number} fn
 * @param {number[]} domain [x1min, x1max, x2min, x2max]
 * @param {number} [res]
 */
export function paintFeature(canvas, fn, domain, res = 32) {
  const [x0, x1, y0, y1] = domain;
  canvas.width = res;
  canvas.height = res;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const values = new Float32Array(res * res);
  let max = 0;
  for (let r = 0; r < res; r++) {
    const b = y1 - ((r + 0.5) / res) * (y1 - y0);
    for (let c = 0; c < res; c++) {
      const a = x0 + ((c + 0.5) / res) * (x1 - x0);
      const v = fn(a, b);
      values[r * res + c] = v;
      if (Math.abs(v) > max) max = Math.abs(v);
    }
  }
  const img = ctx.createImageData(res, res);
  paintValues(new Uint32Array(img.data.buffer), values, 0, values.length, LUT, LUT, max);
  ctx.putImageData(img, 0, 0);
}
