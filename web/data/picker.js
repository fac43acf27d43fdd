// @ts-check
/**
 * The dataset picker's entries and their thumbnails, both from the server's catalog: the
 * engine draws each dataset's preview points, the page only plots them.
 */
import { pointColor } from './colors.js';

/**
 * A catalog dataset: `task` is binary, classes (2 to 6, chosen), regression or custom;
 * `preview` the [x1, x2, label] points of its thumbnail (coordinates -100..100), and for
 * `classes` datasets `class_previews` the same for 3 to 6 classes, keyed by the count.
 * @typedef {{name: string, task?: string, has_classes?: boolean, preview?: number[][], class_previews?: Record<string, number[][]>}} DatasetEntry
 */

/**
 * Normalizes `catalog.datasets` (a list of names or of objects) into entries.
 * @param {any} catalog
 * @returns {DatasetEntry[]}
 */
export function datasetEntries(catalog) {
  const list = catalog?.datasets;
  if (!Array.isArray(list)) return [];
  return list.map((d) => (typeof d === 'string' ? { name: d } : d)).filter((d) => d && d.name);
}

/** @param {DatasetEntry | undefined} entry */
export function hasClassChoice(entry) {
  return Boolean(entry && (entry.has_classes ?? entry.task === 'classes'));
}

/**
 * Draws a dataset thumbnail from its catalog preview (for `classes` classes where it varies).
 * @param {HTMLCanvasElement} canvas
 * @param {DatasetEntry} entry
 * @param {number} classes
 */
export function drawThumbnail(canvas, entry, classes) {
  const dpr = window.devicePixelRatio || 1;
  const size = 52;
  canvas.width = size * dpr;
  canvas.height = size * dpr;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = '#fbfbfb';
  g.fillRect(0, 0, size, size);
  const pts = entry.class_previews?.[String(classes)] ?? entry.preview ?? [];
  canvas.dataset.source = pts.length ? 'server' : 'none';
  const regression = entry.task === 'regression';
  let extent = 1e-9;
  let scale = 1e-9;
  for (const [a, b, l] of pts) {
    extent = Math.max(extent, Math.abs(a), Math.abs(b));
    scale = Math.max(scale, Math.abs(l));
  }
  const half = size / 2;
  const k = (half - 4) / extent;
  const r = pts.length <= 10 ? 3.2 : 1.9;
  for (const [a, b, l] of pts) {
    g.beginPath();
    g.arc(half + a * k, half - b * k, r, 0, 2 * Math.PI);
    g.fillStyle = pointColor(l, regression, scale);
    g.fill();
    if (pts.length <= 10) {
      g.strokeStyle = '#333';
      g.lineWidth = 0.8;
      g.stroke();
    }
  }
}

