// @ts-check
/**
 * Color-blind-safe palettes for every heatmap, as 32-bit pixels ready for an ImageData view.
 *
 * Values use an orange–white–blue diverging ramp (orange < 0 < blue, as in TF Playground; the
 * pair stays distinct for protanopes, deuteranopes and tritanopes). Classes use the Okabe–Ito
 * set, class 0 orange and class 1 blue so that a binary boundary reads the same in both schemes.
 */

/** Okabe–Ito class colors, class 0 first. */
export const CLASS_COLORS = ['#e69f00', '#0072b2', '#009e73', '#cc79a7', '#f0e442', '#56b4e9'];
/** Link and weight colors: negative, positive. */
export const NEGATIVE = '#e69f00';
export const POSITIVE = '#0072b2';

/** @type {[number, number, number]} */ const NEG = [230, 159, 0];
/** @type {[number, number, number]} */ const MID = [248, 248, 246];
/** @type {[number, number, number]} */ const POS = [0, 114, 178];
/** @type {[number, number, number]} */ const DEAD = [150, 150, 150];

/** @param {string} hex */
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return /** @type {[number, number, number]} */ ([(n >> 16) & 255, (n >> 8) & 255, n & 255]);
}

/** A pixel for this platform's byte order (every browser we target is little-endian: ABGR). */
function pixel(/** @type {number} */ r, /** @type {number} */ g, /** @type {number} */ b) {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** @param {[number, number, number]} a @param {[number, number, number]} b @param {number} s */
function mix(a, b, s) {
  return pixel(
    Math.round(a[0] + (b[0] - a[0]) * s),
    Math.round(a[1] + (b[1] - a[1]) * s),
    Math.round(a[2] + (b[2] - a[2]) * s),
  );
}

/**
 * The diverging ramp: 256 pixels for t = -1 .. 1 (index 0 is -1, 255 is +1).
 * @param {number} strength  1 = full colors; less keeps the plot light so points stand out
 */
export function divergingLut(strength = 1) {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * 2 - 1;
    lut[i] = mix(MID, t < 0 ? NEG : POS, Math.abs(t) * strength);
  }
  return lut;
}

/** The same ramp in grey, for dead neurons. */
export function greyLut() {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = mix([235, 235, 235], DEAD, i / 255);
  return lut;
}

/** CSS color of t in [-1, 1] on the diverging ramp. */
export function divergingCss(/** @type {number} */ t, strength = 1) {
  const c = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const end = c < 0 ? NEG : POS;
  const s = Math.abs(c) * strength;
  const ch = (/** @type {number} */ k) => Math.round(MID[k] + (end[k] - MID[k]) * s);
  return `rgb(${ch(0)},${ch(1)},${ch(2)})`;
}

/**
 * Per class, 256 pixels from white (index 0) to the class color at `strength` (index 255).
 * @param {number} classes
 */
export function classLuts(classes, strength = 0.8) {
  const luts = [];
  for (let k = 0; k < classes; k++) {
    const color = rgb(CLASS_COLORS[k % CLASS_COLORS.length]);
    const lut = new Uint32Array(256);
    for (let i = 0; i < 256; i++) lut[i] = mix(MID, color, (i / 255) * strength);
    luts.push(lut);
  }
  return luts;
}

/** CSS color of a class. */
export function classCss(/** @type {number} */ k) {
  const n = CLASS_COLORS.length;
  return CLASS_COLORS[((Math.round(k) % n) + n) % n];
}

/**
 * Maps each quantized level q (0..255) of an array with range [lo, hi] to a ramp index, with the
 * value v = lo + q/255 (hi - lo) divided by `scale` (|v| = scale is a full color).
 * @param {Uint32Array} lut  a 256-entry ramp
 * @param {[number, number] | null | undefined} range
 * @param {number} scale
 * @param {Uint32Array} out  256 entries, reused
 */
export function levelsToPixels(lut, range, scale, out) {
  const lo = range ? Number(range[0]) : 0;
  const hi = range ? Number(range[1]) : 1;
  const s = scale > 0 ? scale : 1;
  for (let q = 0; q < 256; q++) {
    const v = lo + (q / 255) * (hi - lo);
    const t = Math.max(-1, Math.min(1, v / s));
    out[q] = lut[Math.round((t + 1) * 127.5)];
  }
  return out;
}

/**
 * Paints `count` values of `src` from `start` through a level map (uint8 source) or the ramp
 * (float32 source, scaled by `scale`) into `dst`.
 * @param {Uint32Array} dst
 * @param {Uint8Array | Float32Array} src
 * @param {number} start
 * @param {number} count
 * @param {Uint32Array} levels  for uint8: q -> pixel
 * @param {Uint32Array} lut  for float32
 * @param {number} scale
 */
export function paintValues(dst, src, start, count, levels, lut, scale) {
  if (src instanceof Uint8Array) {
    for (let i = 0; i < count; i++) dst[i] = levels[src[start + i]];
    return;
  }
  const s = scale > 0 ? scale : 1;
  for (let i = 0; i < count; i++) {
    const v = src[start + i];
    const t = v !== v ? 0 : Math.max(-1, Math.min(1, v / s));
    dst[i] = lut[Math.round((t + 1) * 127.5)];
  }
}

/** Largest magnitude of a range, for a symmetric scale. */
export function rangeScale(/** @type {[number, number] | null | undefined} */ range) {
  if (!range) return 1;
  const s = Math.max(Math.abs(Number(range[0]) || 0), Math.abs(Number(range[1]) || 0));
  return s > 0 ? s : 1;
}
