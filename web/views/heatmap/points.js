// @ts-check
/**
 * The output view's overlay: the training, validation and (when shown) test points over the
 * boundary, on a canvas sized by devicePixelRatio, with light tick labels at the domain's
 * ends; and the legend below (the classes or the regression's scale, and the point sets).
 */
import { fitCanvas, h } from '../../dom.js';
import { formatNumber } from '../../i18n.js';
import { classCss, divergingCss } from '../../palette.js';
import { HEAT_STRENGTH } from './boundary.js';

/** A coordinate or a value, three significant digits, in the page's language. */
export function fmt(/** @type {number} */ v) {
  return formatNumber(Number(v.toPrecision(3)), { maximumSignificantDigits: 3 });
}

/**
 * Draws the points (and nothing else) on the overlay.
 * @param {HTMLCanvasElement} overlay
 * @param {any} data  the `data` message, or null
 * @param {{scale: number, showTest: boolean}} how  a regression's color scale; whether the test points show
 */
export function drawPoints(overlay, data, { scale, showTest }) {
  const { w, h: height, dpr } = fitCanvas(overlay);
  const g = /** @type {CanvasRenderingContext2D} */ (overlay.getContext('2d'));
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, height);
  if (!data) return;
  const [x0, x1, y0, y1] = data.domain;
  const regression = data.task === 'regression';
  const total = (data.train?.x1?.length ?? 0) + (data.test?.x1?.length ?? 0);
  const radius = Math.max(2, Math.min(4.5, 4.5 * Math.sqrt(500 / Math.max(total, 1)) * (w / 420)));
  /** @param {any} set @param {string} stroke @param {number} width */
  const draw = (set, stroke, width) => {
    if (!set) return;
    g.lineWidth = width;
    g.strokeStyle = stroke;
    for (let i = 0; i < set.x1.length; i++) {
      const px = ((set.x1[i] - x0) / (x1 - x0)) * w;
      const py = ((y1 - set.x2[i]) / (y1 - y0)) * height;
      g.beginPath();
      g.arc(px, py, radius, 0, 2 * Math.PI);
      g.fillStyle = regression ? divergingCss(set.label[i] / scale) : classCss(set.label[i]);
      g.fill();
      g.stroke();
    }
  };
  draw(data.train, '#ffffff', 1.2);
  draw(data.validation, '#6b6b6b', 1.2);
  if (showTest) draw(data.test, '#111111', 1.4);
  drawAxes(g, w, height, data.domain);
}

/** Light tick labels at the domain's ends and centre. */
function drawAxes(/** @type {CanvasRenderingContext2D} */ g, /** @type {number} */ w, /** @type {number} */ h, /** @type {number[]} */ domain) {
  const [x0, x1, , y1] = domain;
  g.fillStyle = 'rgba(30,30,30,0.55)';
  g.font = `${Math.max(10, Math.round(w / 40))}px system-ui, sans-serif`;
  g.textBaseline = 'bottom';
  g.textAlign = 'left';
  g.fillText(fmt(x0), 4, h - 3);
  g.textAlign = 'right';
  g.fillText(fmt(x1), w - 4, h - 3);
  g.textBaseline = 'top';
  g.fillText(fmt(y1), w - 4, 3);
  g.textAlign = 'left';
  g.fillText('x₂ ↑', 4, 3);
  g.textAlign = 'center';
  g.textBaseline = 'bottom';
  g.fillText('x₁ →', w / 2, h - 3);
}

/**
 * The legend: a regression's color scale or the classes' colors, then the point sets.
 * @param {HTMLElement} legend
 * @param {any} data
 * @param {number} scale
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 */
export function renderLegend(legend, data, scale, t) {
  legend.replaceChildren();
  if (!data) return;
  const item = (/** @type {(Node | string)[]} */ children) => legend.append(h('span', { class: 'legend-item' }, children));
  if (data.task === 'regression') {
    const stops = [-1, -0.5, 0, 0.5, 1].map((v) => divergingCss(v, HEAT_STRENGTH)).join(',');
    item([
      h('span', { class: 'legend-bar-label', text: fmt(-scale) }),
      h('span', { class: 'legend-bar', style: `background:linear-gradient(90deg,${stops})` }),
      h('span', { class: 'legend-bar-label', text: fmt(scale) }),
      ' ',
      h('span', { class: 'legend-text', text: t('output.scale') }),
    ]);
  } else {
    for (let k = 0; k < data.classes; k++) item([h('i', { class: 'swatch', style: `background:${classCss(k)}` }), t('output.class', { k })]);
  }
  item([h('i', { class: 'dot dot-train' }), t('output.train')]);
  if (data.validation?.x1?.length) item([h('i', { class: 'dot dot-validation' }), t('output.validation')]);
  item([h('i', { class: 'dot dot-test' }), t('output.test')]);
}
