// @ts-check
/**
 * The dataset picker's entries (from the server's catalog) and their thumbnails: the server's
 * `preview` points when the catalog has them, else a client-side schematic of the shape.
 */
import { schematic } from './schematics.js';
import { pointColor } from './colors.js';

/** Engine datasets, in picker order, used until the server's catalog arrives. */
const DEFAULT_DATASETS = [
  'circle', 'xor', 'gauss', 'spiral', 'moons', 'blobs', 'plane', 'multigauss', 'student', 'custom',
];
/** Datasets whose number of classes can be chosen, unless the catalog says otherwise. */
const MULTICLASS = new Set(['spiral', 'blobs']);

/**
 * A catalog dataset: `task` is binary, classes (2 to 6, chosen), regression or custom;
 * `preview` (optional) a list of [x1, x2, label] points to draw in the thumbnail.
 * @typedef {{name: string, task?: string, has_classes?: boolean, preview?: number[][]}} DatasetEntry
 */

/**
 * Normalizes `catalog.datasets` (a list of names or of objects) into entries.
 * @param {any} catalog
 * @returns {DatasetEntry[]}
 */
export function datasetEntries(catalog) {
  const list = catalog?.datasets;
  if (!Array.isArray(list) || list.length === 0) return DEFAULT_DATASETS.map((name) => ({ name }));
  return list.map((d) => (typeof d === 'string' ? { name: d } : d)).filter((d) => d && d.name);
}

/** @param {DatasetEntry | undefined} entry */
export function hasClassChoice(entry) {
  if (!entry) return false;
  if (typeof entry.has_classes === 'boolean') return entry.has_classes;
  return entry.task === 'classes' || MULTICLASS.has(entry.name);
}

/**
 * Draws a dataset thumbnail: the server's preview points if any, else a client-side schematic.
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
  const server = Array.isArray(entry.preview) && entry.preview.length > 0;
  const pts = server ? /** @type {number[][]} */ (entry.preview) : schematic(entry.name, classes);
  canvas.dataset.source = server ? 'server' : 'schematic';
  const regression = entry.task === 'regression' || entry.name === 'plane' || entry.name === 'multigauss';
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

