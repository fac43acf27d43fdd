// @ts-check
/**
 * The output view's boundary: the frame's output grid painted into one reused ImageData at
 * grid resolution (the canvas is scaled up by CSS). Binary: orange–blue by probability;
 * multi-class: the Okabe–Ito color of the most likely class, paler where the network is unsure;
 * regression: the diverging scale; discretized: two colors, or the classes at full strength.
 */
import { classLuts, divergingLut, levelsToPixels, paintValues } from '../../palette.js';

/** Lighter than the points, so that points of either class stand out on the boundary. */
export const HEAT_STRENGTH = 0.62;

/**
 * @param {HTMLCanvasElement} canvas
 */
export function createBoundary(canvas) {
  const gctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const lut = divergingLut(HEAT_STRENGTH);
  const levels = new Uint32Array(256);
  /** @type {Uint32Array[]} */ let luts = [];
  /** @type {ImageData | null} */ let image = null;
  /** @type {Uint32Array} */ let pixels = new Uint32Array(0);

  /** Two colors split at `threshold`. */
  function paintSign(/** @type {any} */ out, /** @type {number} */ n, /** @type {number} */ threshold) {
    const lo = lut[Math.round(0.25 * 255)];
    const hi = lut[Math.round(0.75 * 255)];
    const [a, b] = out.range ?? [0, 1];
    const quantized = out.data instanceof Uint8Array;
    for (let i = 0; i < n; i++) {
      const q = out.data[i];
      const v = quantized ? a + (q / 255) * (b - a) : q;
      pixels[i] = v > threshold ? hi : lo;
    }
  }

  /** Color of the most likely class, paler where its probability is low. */
  function paintClasses(/** @type {any} */ out, /** @type {number} */ C, /** @type {number} */ n, /** @type {boolean} */ hard) {
    if (luts.length !== C) luts = classLuts(C, HEAT_STRENGTH);
    const src = out.data;
    const [a, b] = out.range ?? [0, 1];
    const quantized = src instanceof Uint8Array;
    const floor = 1 / C;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestValue = -Infinity;
      for (let k = 0; k < C; k++) {
        const v = src[k * n + i];
        if (v > bestValue) { bestValue = v; best = k; }
      }
      const p = quantized ? a + (bestValue / 255) * (b - a) : bestValue;
      const s = hard ? 1 : Math.max(0, Math.min(1, (p - floor) / (1 - floor)));
      pixels[i] = luts[best][Math.round(s * 255)];
    }
  }

  /** Probability p of class 1 -> t = 2p - 1 on the orange–blue ramp. */
  function paintProbability(/** @type {any} */ out, /** @type {number} */ n) {
    const range = out.range ? [2 * out.range[0] - 1, 2 * out.range[1] - 1] : null;
    if (out.data instanceof Uint8Array) {
      paintValues(pixels, out.data, 0, n, levelsToPixels(lut, /** @type {any} */ (range), 1, levels), lut, 1);
    } else {
      for (let i = 0; i < n; i++) {
        const v = Math.max(-1, Math.min(1, 2 * out.data[i] - 1));
        pixels[i] = lut[Math.round((v + 1) * 127.5)];
      }
    }
  }

  /**
   * Paints a frame's output grid; false when the frame has none.
   * @param {any} frame
   * @param {{task: string, hard: boolean, scale: number}} how  the data's task, discretized,
   *   and a regression's color scale
   */
  function paint(frame, { task, hard, scale }) {
    const out = frame?.arrays?.output;
    if (!out) return false;
    const [C, R] = out.shape;
    if (!image || image.width !== R) {
      canvas.width = R;
      canvas.height = R;
      image = gctx.createImageData(R, R);
      pixels = new Uint32Array(image.data.buffer);
    }
    const n = R * R;
    if (C > 1) paintClasses(out, C, n, hard);
    else if (task === 'regression') {
      if (hard) paintSign(out, n, 0);
      else paintValues(pixels, out.data, 0, n, levelsToPixels(lut, out.range, scale, levels), lut, scale);
    } else if (hard) paintSign(out, n, 0.5);
    else paintProbability(out, n);
    gctx.putImageData(image, 0, 0);
    return true;
  }

  return { paint };
}
