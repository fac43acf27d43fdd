// @ts-check
/**
 * Errors in the reader's language. The server answers a bad message with one envelope,
 * `{type: "error", code, message, field}` (docs/protocol.md), whose English `message` starts
 * with the field. The page words it from `code` and `field`: the field by the name of its
 * control ("Taux d’apprentissage"), the reason from the known shapes of the server's message
 * ("Input should be greater than or equal to 0" → « doit être supérieur ou égal à 0 »), else
 * a sentence per code followed by the server's own words. In English the server's message is
 * shown as it is. Errors the page makes itself (`local: true`) are already worded.
 */

import { formatNumber, nameLabel } from './i18n.js';

/**
 * Both languages word the server's messages the same way: the field by its control's name, the
 * reason from the message's known shape. A message of an unknown shape is shown as the server
 * wrote it (after the control's name, or a sentence per code). Room errors are whole sentences.
 */
export const ERROR_STRINGS = {
  en: {
    'error.withField': '{field}: {message}',
    'error.code.room_not_found': 'no class has this code: check it with your teacher.',
    'error.code.room_full': 'this class is full.',
    'error.code.room_limit': 'the server has as many classes as it can hold: close one first.',
    'error.code.room_client_limit': 'your network already has as many classes open as it may: close one first, or resume it.',
    'error.code.rate_limited': 'too many attempts: wait a few seconds and try again.',
    'error.code.forbidden': 'locked by your teacher.',
    'error.code.not_in_room': 'you are not in a class.',
    'error.code.rooms_unavailable': 'classes are not available on this server right now (its rooms’ store does not answer, or it runs several processes without Redis).',
    'error.code.bad_json': 'the server could not read the message ({message})',
    'error.code.unknown_type': 'the server does not know this kind of message ({message})',
    'error.code.too_large': 'the message is too large for the server ({message})',
    'error.code.bad_data': 'data refused ({message})',
    'error.code.not_applicable': 'not possible right now ({message})',
    'error.code.internal': 'internal error of the server, the session goes on ({message})',
    'error.ge': 'must be at least {limit}',
    'error.gt': 'must be more than {limit}',
    'error.le': 'must be at most {limit}',
    'error.lt': 'must be less than {limit}',
    'error.number': 'must be a number',
    'error.integer': 'must be a whole number',
    'error.unknownName': '“{value}” does not exist; possible values: {valid}',
    'error.extra': 'unknown setting',
    'error.minItems': 'at least {n} needed',
    'error.between': 'must be between {lo} and {hi}',
    'error.minPoints': 'at least {n} points are needed',
    'error.diverged': 'training diverged: lower the learning rate, then reset (r)',
    'error.noRelu': 'no ReLU layer to revive',
    'error.noCustom': 'no custom points yet: click in the plane or import a CSV',
    'error.tooLarge': 'the message is too large for the server',
    'error.csv.columns': 'line {line}: 3 columns expected (x1,x2,label), {got} found',
    'error.csv.number': 'line {line}: {column} is not a number ({value})',
    'error.csv.none': 'no points found',
    'error.maxPoints': 'at most {n} points',
    'error.notJson': 'the server could not read the message (invalid JSON)',
    'error.url.notName': 'the parameter {name} is “{value}”, which is not a name',
    'error.url.notInteger': 'the parameter {name} is “{value}”, which is not a whole number',
    'error.url.notNumber': 'the parameter {name} is “{value}”, which is not a number',
    'error.url.notLayers': 'the parameter hidden is “{value}”, which is not neurons:activation (e.g. 4:tanh)',
    'field.type': 'Message type',
    'field.layer': 'Layer',
    'field.row': 'Row',
    'field.col': 'Column',
    'field.value': 'Value',
    'field.csv': 'CSV file',
    'field.points': 'Points',
    'field.data': 'Imported data',
    'field.config.hidden.#': 'Hidden layer {n}',
    'field.config.hidden.#.units': 'Neurons in layer {n}',
    'field.config.hidden.#.activation': 'Activation of layer {n}',
    'field.config.output.activation': 'Output activation',
    'field.config.output.loss': 'Loss function',
    'field.config.dataset.name': 'Dataset',
    'field.config.dataset.points': 'Number of points',
    'field.config.dataset.noise': 'Noise',
    'field.config.dataset.train_fraction': 'Training share',
    'field.config.dataset.validation_fraction': 'Validation share',
    'field.config.regularization.rate': 'Regularization rate',
    'field.config.view.epochs_per_second': 'Speed',
  },
  fr: {
    'error.code.room_not_found': 'aucune classe n’a ce code : vérifiez-le avec votre enseignant.',
    'error.code.room_full': 'cette classe est complète.',
    'error.code.room_limit': 'le serveur accueille déjà autant de classes que possible : fermez-en une d’abord.',
    'error.code.room_client_limit': 'votre réseau a déjà autant de classes ouvertes que permis : fermez-en une d’abord, ou reprenez-la.',
    'error.code.rate_limited': 'trop de tentatives : attendez quelques secondes et réessayez.',
    'error.code.forbidden': 'verrouillé par votre enseignant.',
    'error.code.not_in_room': 'vous n’êtes dans aucune classe.',
    'error.code.rooms_unavailable': 'les classes ne sont pas disponibles sur ce serveur pour le moment (son stockage des classes ne répond pas, ou il tourne en plusieurs processus sans Redis).',
    'error.withField': '{field} : {message}',
    'error.code.bad_json': 'message illisible par le serveur ({message})',
    'error.code.unknown_type': 'type de message inconnu du serveur ({message})',
    'error.code.invalid': 'valeur refusée ({message})',
    'error.code.too_large': 'message trop volumineux pour le serveur ({message})',
    'error.code.bad_data': 'données refusées ({message})',
    'error.code.not_applicable': 'impossible pour l’instant ({message})',
    'error.code.internal': 'erreur interne du serveur, la session continue ({message})',
    'error.ge': 'doit être supérieur ou égal à {limit}',
    'error.gt': 'doit être strictement supérieur à {limit}',
    'error.le': 'doit être inférieur ou égal à {limit}',
    'error.lt': 'doit être strictement inférieur à {limit}',
    'error.number': 'doit être un nombre',
    'error.integer': 'doit être un nombre entier',
    'error.unknownName': '« {value} » n’existe pas ; valeurs possibles : {valid}',
    'error.extra': 'paramètre inconnu',
    'error.minItems': 'il en faut au moins {n}',
    'error.between': 'doit être entre {lo} et {hi}',
    'error.minPoints': 'il faut au moins {n} points',
    'error.diverged': 'l’entraînement a divergé : baissez le taux d’apprentissage, puis réinitialisez (r)',
    'error.noRelu': 'aucune couche ReLU à ranimer',
    'error.noDead': 'aucun neurone ReLU mort à ranimer',
    'error.noCustom': 'aucun point personnalisé pour l’instant : cliquez dans le plan ou importez un CSV',
    'error.tooLarge': 'message trop volumineux pour le serveur',
    'error.csv.columns': 'à la ligne {line}, 3 colonnes attendues (x1,x2,label) et {got} trouvée(s)',
    'error.csv.number': 'à la ligne {line}, {column} n’est pas un nombre ({value})',
    'error.csv.none': 'aucun point trouvé',
    'error.maxPoints': 'au plus {n} points',
    'error.notJson': 'message illisible par le serveur (JSON invalide)',
    'error.url.notName': 'le paramètre {name} vaut « {value} », qui n’est pas un nom',
    'error.url.notInteger': 'le paramètre {name} vaut « {value} », qui n’est pas un nombre entier',
    'error.url.notNumber': 'le paramètre {name} vaut « {value} », qui n’est pas un nombre',
    'error.url.notLayers': 'le paramètre hidden vaut « {value} », qui n’a pas la forme neurones:activation (par ex. 4:tanh)',
    'field.type': 'Type de message',
    'field.layer': 'Couche',
    'field.row': 'Ligne',
    'field.col': 'Colonne',
    'field.value': 'Valeur',
    'field.csv': 'Fichier CSV',
    'field.points': 'Points',
    'field.data': 'Données importées',
    'field.config.hidden.#': 'Couche cachée {n}',
    'field.config.hidden.#.units': 'Nombre de neurones de la couche {n}',
    'field.config.hidden.#.activation': 'Activation de la couche {n}',
    'field.config.output.activation': 'Activation de sortie',
    'field.config.output.loss': 'Fonction de perte',
    'field.config.dataset.name': 'Jeu de données',
    'field.config.dataset.points': 'Nombre de points',
    'field.config.dataset.noise': 'Bruit',
    'field.config.dataset.train_fraction': 'Part d’entraînement',
    'field.config.dataset.validation_fraction': 'Part de validation',
    'field.config.regularization.rate': 'Taux de régularisation',
    'field.config.view.epochs_per_second': 'Vitesse',
  },
};

/**
 * `t(key, params)`, or null when the key has no wording in the current language.
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {string} key
 * @param {Record<string, unknown>} [params]
 */
function worded(t, key, params) {
  const text = t(key, params);
  return text === key ? null : text;
}

/**
 * The name of the control an error's field belongs to, in the current language, or ''. List
 * indices match `#` (`config.hidden.0.units` → `field.config.hidden.#.units`, with `{n}` the
 * layer number counted from 1); the longest labelled prefix wins.
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {string | null | undefined} field
 */
export function fieldLabel(t, field) {
  if (!field) return '';
  const parts = field.split('.');
  const index = parts.find((p) => /^\d+$/.test(p));
  const params = { n: index === undefined ? '' : Number(index) + 1 };
  for (let n = parts.length; n > 0; n--) {
    const head = parts.slice(0, n);
    for (const key of new Set([`field.${head.join('.')}`, `field.${head.map((p) => (/^\d+$/.test(p) ? '#' : p)).join('.')}`])) {
      const label = worded(t, key, params);
      if (label !== null) return label;
    }
  }
  return '';
}

/**
 * A number from a message, as the reader writes it ("0.000001" → « 0,000001 »).
 * @param {string} text
 */
const number = (text) => (Number.isFinite(Number(text)) ? formatNumber(Number(text), { maximumSignificantDigits: 15 }) : text);

/**
 * A JSON string's text without its quotes (`"many"` → `many`).
 * @param {string} text
 */
const unquoted = (text) => text.replace(/^"(.*)"$/, '$1');

/**
 * The server's (or the link parser's) English reason in the current language, or null when its
 * shape is not known or not translated.
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {string} detail  the message without its leading field
 * @returns {string | null}
 */
export function wordDetail(t, detail) {
  /** @type {[RegExp, (m: RegExpMatchArray) => [string, Record<string, unknown>?]][]} */
  const shapes = [
    [/^Input should be greater than or equal to (\S+)$/, (m) => ['error.ge', { limit: number(m[1]) }]],
    [/^Input should be greater than (\S+)$/, (m) => ['error.gt', { limit: number(m[1]) }]],
    [/^Input should be less than or equal to (\S+)$/, (m) => ['error.le', { limit: number(m[1]) }]],
    [/^Input should be less than (\S+)$/, (m) => ['error.lt', { limit: number(m[1]) }]],
    [/^Input should be a valid integer/, () => ['error.integer']],
    [/^Input should be a valid number/, () => ['error.number']],
    [/^unknown [\w ]+ '([^']*)'; valid: (.*)$/, (m) => ['error.unknownName', {
      value: m[1], valid: m[2].split(', ').map((name) => nameLabel(t, name)).join(', '),
    }]],
    [/^Extra inputs are not permitted$/, () => ['error.extra']],
    [/^List should have at least (\d+) items?/, (m) => ['error.minItems', { n: m[1] }]],
    [/^expected (\d+)\.\.(\d+)$/, (m) => ['error.between', { lo: m[1], hi: m[2] }]],
    [/^at least (\d+) points$/, (m) => ['error.minPoints', { n: m[1] }]],
    [/^training diverged/, () => ['error.diverged']],
    [/^no ReLU layer to revive$/, () => ['error.noRelu']],
    [/^no dead ReLU neuron to revive$/, () => ['error.noDead']],
    [/^there are no custom points/, () => ['error.noCustom']],
    [/^message is larger than/, () => ['error.tooLarge']],
    [/^csv line (\d+): expected 3 columns x1,x2,label, got (\d+)$/, (m) => ['error.csv.columns', { line: m[1], got: m[2] }]],
    [/^csv line (\d+): (\w+) is not a number \((.*)\)$/, (m) => ['error.csv.number', { line: m[1], column: m[2], value: m[3] }]],
    [/^no points found$/, () => ['error.csv.none']],
    [/^at most (\d+) points/, (m) => ['error.maxPoints', { n: m[1] }]],
    [/^(not JSON|a message must be a JSON object)/, () => ['error.notJson']],
    [/^URL parameter (\w+): (.*) is not a name$/, (m) => ['error.url.notName', { name: m[1], value: unquoted(m[2]) }]],
    [/^URL parameter (\w+): (.*) is not an integer$/, (m) => ['error.url.notInteger', { name: m[1], value: unquoted(m[2]) }]],
    [/^URL parameter (\w+): (.*) is not a number$/, (m) => ['error.url.notNumber', { name: m[1], value: unquoted(m[2]) }]],
    [/^URL parameter hidden: (.*) is not units:activation/, (m) => ['error.url.notLayers', { value: unquoted(m[1]) }]],
  ];
  for (const [pattern, wording] of shapes) {
    const m = detail.match(pattern);
    if (m) {
      const [key, params] = wording(m);
      return worded(t, key, params);
    }
  }
  return null;
}

/**
 * The message without the field it starts with (`config.seed: …` → `…`).
 * @param {any} error
 */
function reason(error) {
  const message = String(error.message ?? '');
  const field = typeof error.field === 'string' ? error.field : null;
  if (field && message.startsWith(`${field}: `)) return message.slice(field.length + 2);
  const colon = message.match(/^[\w.]+: (.*)$/s);
  return colon && !message.startsWith('URL parameter') ? colon[1] : message;
}

/** Room errors worded as a whole sentence: the field they name (`type`, `code`) adds nothing. */
const WHOLE_SENTENCES = new Set(['room_not_found', 'room_full', 'room_limit', 'room_client_limit', 'rate_limited', 'not_in_room', 'rooms_unavailable']);

/** @param {string} s */
const capitalized = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The text of an error for the banner: in the current language, the field named as its
 * control is (see the module comment).
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {any} error  the server's envelope, or an error the page made (`local: true`)
 */
export function errorText(t, error) {
  if (error.local) return String(error.message ?? '');
  const label = WHOLE_SENTENCES.has(error.code) ? '' : fieldLabel(t, error.field);
  const detail = reason(error);
  const text = wordDetail(t, detail) ?? worded(t, `error.code.${error.code}`, { message: detail });
  // An unknown reason: the server's own words, after the control's name when it has one.
  if (text === null) return label ? t('error.withField', { field: label, message: detail }) : String(error.message ?? error.code);
  return label ? t('error.withField', { field: label, message: text }) : capitalized(text);
}
