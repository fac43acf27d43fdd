// Prints every string table of the page as JSON: {"module.js EXPORT": {en: {...}, fr: {...}}}.
// Read by tests/test_glossary.py; run from the repository's root: `node tests/page_strings.mjs`.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const WEB = new URL('../web/', import.meta.url).pathname;
// Modules that run the page when imported (they hold no string table of their own).
const ENTRY_POINTS = new Set(['main.js', 'teach/main.js']);

/** @param {string} dir @returns {string[]} */
function modules(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modules(path);
    return name.endsWith('.js') && !ENTRY_POINTS.has(relative(WEB, path)) ? [path] : [];
  });
}

const tables = {};
for (const path of modules(WEB)) {
  const module = await import(pathToFileURL(path).href);
  for (const [name, value] of Object.entries(module)) {
    if (name.endsWith('STRINGS') && value && typeof value === 'object' && 'en' in value) {
      tables[`${relative(WEB, path)} ${name}`] = value;
    }
  }
}
process.stdout.write(JSON.stringify(tables));
