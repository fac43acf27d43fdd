// @ts-check
/** Point colors of the panels' small drawings, from the shared color-blind-safe palette. */
import { CLASS_COLORS, classCss, divergingCss } from '../palette.js';

export { CLASS_COLORS };

/**
 * CSS color of a point: its class color, or the diverging ramp for a regression target.
 * @param {number} label
 * @param {boolean} regression
 * @param {number} [scale] largest |target|, to map targets onto [-1, 1]
 */
export function pointColor(label, regression, scale = 1) {
  return regression ? divergingCss(label / (scale || 1)) : classCss(label);
}
