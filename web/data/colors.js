// @ts-check
/**
 * Colors of the panels' small drawings: Okabe–Ito class colors (distinguishable with the common
 * color-vision deficiencies) and an orange–white–blue diverging ramp for values.
 */

/** Class colors, class 0 first: orange, blue, bluish green, reddish purple, yellow, sky blue. */
export const CLASS_COLORS = ['#e69f00', '#0072b2', '#009e73', '#cc79a7', '#f0e442', '#56b4e9'];

/** @type {[number, number, number]} */ const NEG = [230, 159, 0];
/** @type {[number, number, number]} */ const MID = [247, 247, 247];
/** @type {[number, number, number]} */ const POS = [0, 114, 178];

/**
 * Diverging ramp: v in [-1, 1] -> [r, g, b]; -1 orange, 0 light grey, +1 blue.
 * @param {number} v
 * @returns {[number, number, number]}
 */
export function diverging(v) {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const end = t < 0 ? NEG : POS;
  const a = Math.abs(t);
  return [
    Math.round(MID[0] + (end[0] - MID[0]) * a),
    Math.round(MID[1] + (end[1] - MID[1]) * a),
    Math.round(MID[2] + (end[2] - MID[2]) * a),
  ];
}

/**
 * CSS color of a point: its class color, or the diverging ramp for a regression target.
 * @param {number} label
 * @param {boolean} regression
 * @param {number} [scale] largest |target|, to map targets onto [-1, 1]
 */
export function pointColor(label, regression, scale = 1) {
  if (regression) {
    const [r, g, b] = diverging(label / (scale || 1));
    return `rgb(${r},${g},${b})`;
  }
  const k = Math.round(label);
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}
