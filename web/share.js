// @ts-check
/**
 * Save and share a trained model: download the session (config, data, weights, epoch and the
 * loss history) as a JSON file and open it again, bit for bit (the protocol's `export` and
 * `import`); or copy a link that carries the weights, deflated and base64url-encoded in the
 * URL's hash (`#model=...`), which restores the trained state when opened. Or take the network
 * away as code: a NumPy script in the course's notation, or a Keras 3 model ready to fit (the
 * server writes both, as `playground export` does).
 */
import { formatNumber } from './i18n.js';
import { lockControl, lockedIn } from './rooms/locks.js';

/** Longer links are refused: browsers, chats and course notes cut them somewhere past 8 KB. */
export const LINK_LIMIT = 8000;

export const STRINGS = {
  en: {
    'share.menu': 'Save & share',
    'share.download': 'Download the session (.json)',
    'share.open': 'Open a session file…',
    'share.copyLink': 'Copy link with weights',
    'share.link': 'Link with weights',
    'share.saved': 'Saved {file}: config, data, weights, epoch {epoch} and the loss history.',
    'share.opened': 'Opened {file}: epoch {epoch}, same weights.',
    'share.copied': 'Link copied ({kb} KB): it restores this network at epoch {epoch}.',
    'share.select': 'Link ready below ({kb} KB): select it and copy it.',
    'share.tooLong': 'This network is too large for a link ({kb} KB, more than {limit} KB): download the session instead.',
    'share.badFile': 'Not a session file: {message}',
    'share.badLink': 'The link’s weights could not be read: {message}',
    'share.restored': 'Restored from the link: epoch {epoch}.',
    'share.offline': 'Not connected: try again once connected.',
    'share.exportNumpy': 'Export as NumPy code (.py)',
    'share.exportKeras': 'Export as Keras code (.py)',
    'share.exported': 'Saved {file}: {format} code with the weights of epoch {epoch}.',
  },
  fr: {
    'share.menu': 'Enregistrer et partager',
    'share.download': 'Télécharger la session (.json)',
    'share.open': 'Ouvrir un fichier de session…',
    'share.copyLink': 'Copier le lien avec les poids',
    'share.link': 'Lien avec les poids',
    'share.saved': '{file} enregistré : configuration, données, poids, époque {epoch} et historique du coût.',
    'share.opened': '{file} ouvert : époque {epoch}, mêmes poids.',
    'share.copied': 'Lien copié ({kb} Ko) : il restaure ce réseau à l’époque {epoch}.',
    'share.select': 'Lien prêt ci-dessous ({kb} Ko) : sélectionnez-le et copiez-le.',
    'share.tooLong': 'Ce réseau est trop grand pour un lien ({kb} Ko, plus de {limit} Ko) : téléchargez plutôt la session.',
    'share.badFile': 'Ce n’est pas un fichier de session : {message}',
    'share.badLink': 'Les poids du lien sont illisibles : {message}',
    'share.restored': 'Restauré depuis le lien : époque {epoch}.',
    'share.offline': 'Pas de connexion : réessayez une fois connecté.',
    'share.exportNumpy': 'Exporter en code NumPy (.py)',
    'share.exportKeras': 'Exporter en code Keras (.py)',
    'share.exported': '{file} enregistré : code {format} avec les poids de l’époque {epoch}.',
  },
};

/** @param {Uint8Array} bytes */
function toBase64Url(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** @param {string} text */
function fromBase64Url(text) {
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * Bytes through a (de)compression stream. CompressionStream is looked up on globalThis: the
 * DOM types of older TypeScript releases do not declare it.
 * @param {Uint8Array} bytes
 * @param {'CompressionStream' | 'DecompressionStream'} kind
 */
async function pipe(bytes, kind) {
  /** @type {TransformStream<Uint8Array, Uint8Array>} */
  const stream = new (/** @type {any} */ (globalThis))[kind]('deflate-raw');
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/**
 * A session as the `model=` value of a link: JSON, deflated, base64url.
 * @param {any} payload
 */
export async function encodeModel(payload) {
  const json = new TextEncoder().encode(JSON.stringify(payload));
  return toBase64Url(await pipe(json, 'CompressionStream'));
}

/**
 * The session a `model=` value holds.
 * @param {string} text
 */
export async function decodeModel(text) {
  const json = await pipe(fromBase64Url(text), 'DecompressionStream');
  return JSON.parse(new TextDecoder().decode(json));
}

/**
 * The `model=` value of a hash (`#model=...`), or null.
 * @param {string} hash
 */
export function modelFromHash(hash) {
  return new URLSearchParams(hash.replace(/^#/, '')).get('model');
}

/**
 * Checks a parsed session file, throwing a readable message.
 * @param {any} payload
 */
function checkPayload(payload) {
  if (!payload || typeof payload !== 'object') throw new Error('not a JSON object');
  if (payload.format !== 'nn-playground') throw new Error('no "format": "nn-playground"');
  for (const key of ['config', 'model']) if (!payload[key]) throw new Error(`no "${key}"`);
}

/**
 * @param {HTMLElement} container
 * @param {import('./state.js').ViewContext} ctx
 */
export function mountShare(container, ctx) {
  ctx.i18n.register(STRINGS);
  const t = ctx.t;
  container.classList.add('share');
  container.innerHTML = `
    <details class="share-menu">
      <summary class="btn" data-testid="share-menu" data-label="share.menu"></summary>
      <div class="share-pop">
        <button type="button" class="btn" data-testid="model-download" data-label="share.download"></button>
        <label class="btn share-file"><span data-label="share.open"></span>
          <input type="file" accept=".json,application/json" data-testid="model-open"></label>
        <button type="button" class="btn" data-testid="copy-link-weights" data-label="share.copyLink"></button>
        <button type="button" class="btn" data-testid="export-numpy" data-label="share.exportNumpy"></button>
        <button type="button" class="btn" data-testid="export-keras" data-label="share.exportKeras"></button>
        <label class="share-link-row"><span class="sr" data-label="share.link"></span>
          <input type="text" readonly data-testid="share-link" hidden></label>
        <p class="share-message" data-testid="share-message" role="status"></p>
      </div>
    </details>`;
  const q = (/** @type {string} */ id) => /** @type {any} */ (container.querySelector(`[data-testid="${id}"]`));
  const details = /** @type {HTMLDetailsElement} */ (container.querySelector('details'));
  const fileInput = /** @type {HTMLInputElement} */ (q('model-open'));
  const linkInput = /** @type {HTMLInputElement} */ (q('share-link'));
  const message = /** @type {HTMLElement} */ (q('share-message'));

  /** A session to import once the server said hello (from the page's link). */
  /** @type {Promise<any> | null} */ let fromLink = null;
  const hashModel = modelFromHash(location.hash);
  if (hashModel) fromLink = decodeModel(hashModel);
  let linkSent = false;
  /** @type {any} */ let state = ctx.store.state;

  /** @param {string} key @param {Record<string, any>} [params] @param {boolean} [error] */
  function say(key, params = {}, error = false) {
    message.textContent = t(key, params);
    message.classList.toggle('share-error', error);
    details.open = true;
  }

  /**
   * The session from the server, or null if it could not export it (the banner says why).
   * @returns {Promise<any>}
   */
  function exportSession() {
    return ctx.request({ type: 'export' }).then((/** @type {any} */ reply) => reply.data, () => null);
  }

  /**
   * Sends a session to the server: paused, its history shown, its weights restored. Resolves
   * once the server's reply confirms the import; rejects with its error, or when the
   * connection drops first (the page then reconnects to a fresh session: nothing restored).
   * @returns {Promise<any>}
   */
  function importSession(/** @type {any} */ payload) {
    checkPayload(payload);
    const { history, ...data } = payload;
    const before = state.history;
    ctx.send({ type: 'pause' });
    ctx.store.set('history', Array.isArray(history) ? history : []);
    return ctx.request({ type: 'import', data }).catch((/** @type {any} */ error) => {
      if (error?.code !== 'disconnected') ctx.store.set('history', before ?? []);
      throw error;
    });
  }

  /** The text of a refusal: the server's error, or an exception's. */
  function reason(/** @type {any} */ error) {
    return String(error?.message ?? error);
  }

  /**
   * Saves text as a file through a temporary link.
   * @param {string} text
   * @param {string} file
   * @param {string} type
   */
  function download(text, file, type) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = file;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  /** @param {any} data the export payload */
  const baseName = (data) => `nn-playground-${data.config?.dataset?.name ?? 'session'}-epoch-${data.epoch}`;

  q('model-download').addEventListener('click', async () => {
    if (state.connection !== 'open') return say('share.offline', {}, true);
    const data = await exportSession();
    if (!data) return;
    const history = (state.history ?? []).filter((/** @type {any} */ row) => (row.epoch ?? 0) <= data.epoch);
    const file = `${baseName(data)}.json`;
    download(JSON.stringify({ ...data, history }), file, 'application/json');
    say('share.saved', { file, epoch: data.epoch });
  });

  for (const [format, label] of /** @type {const} */ ([['numpy', 'NumPy'], ['keras', 'Keras']])) {
    q(`export-${format}`).addEventListener('click', async () => {
      if (state.connection !== 'open') return say('share.offline', {}, true);
      /** @type {any} */
      const reply = await ctx.request({ type: 'export', code: format }).catch(() => null);
      if (!reply?.code) return;
      const file = `${baseName(reply.data)}${format === 'keras' ? '-keras' : ''}.py`;
      download(reply.code, file, 'text/x-python');
      say('share.exported', { file, format: label, epoch: reply.data.epoch });
    });
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    try {
      const payload = JSON.parse(await file.text());
      await importSession(payload);
      say('share.opened', { file: file.name, epoch: payload.epoch ?? 0 });
    } catch (error) {
      say('share.badFile', { message: reason(error) }, true);
    }
    fileInput.value = '';
  });

  q('copy-link-weights').addEventListener('click', async () => {
    if (state.connection !== 'open') return say('share.offline', {}, true);
    const data = await exportSession();
    if (!data) return;
    // A generated dataset is regenerated from its config: the link carries custom points only.
    const linked = data.config?.dataset?.name === 'custom' ? data : { ...data, data: undefined };
    const url = `${location.origin}${location.pathname}${location.search}#model=${await encodeModel(linked)}`;
    const kb = formatNumber(url.length / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    if (url.length > LINK_LIMIT) {
      linkInput.hidden = true;
      return say('share.tooLong', { kb, limit: formatNumber(LINK_LIMIT / 1000) }, true);
    }
    linkInput.value = url;
    linkInput.hidden = false;
    try {
      await navigator.clipboard.writeText(url);
      say('share.copied', { kb, epoch: data.epoch });
    } catch {
      linkInput.select();
      say('share.select', { kb });
    }
  });

  // A click outside closes the menu, as menus do.
  document.addEventListener('click', (event) => {
    if (details.open && !container.contains(/** @type {Node} */ (event.target))) details.open = false;
  });

  return {
    /** @param {import('./state.js').AppState} next @param {Set<string>} changed */
    update(next, changed) {
      state = next;
      if (fromLink && !linkSent && next.hello && next.connection === 'open') {
        linkSent = true;
        fromLink.then(async (payload) => {
          await importSession(payload);
          // The menu opens on its message, so the reader sees what the link did; a click
          // anywhere closes it.
          say('share.restored', { epoch: payload.epoch ?? 0 });
          // The link is used: the address bar goes back to the config's own link.
          history.replaceState(history.state, '', location.pathname + location.search);
        }).catch((error) => say('share.badLink', { message: reason(error) }, true));
      }
      // Opening a session file changes the layers: a teacher's `layers` lock disables it.
      if (changed.has('locked')) lockControl(fileInput, lockedIn(next).has('layers'));
      if (changed.has('lang')) {
        for (const el of container.querySelectorAll('[data-label]')) el.textContent = t(String(el.getAttribute('data-label')));
      }
    },
  };
}
