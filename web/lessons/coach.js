// @ts-check
/**
 * The pitfall coach: words the server's `frame.header.coach` advice (engine/coach.py) in plain
 * language with its fix, one list item per advice with `data-code` set to the stable code.
 * Codes whose fix is a setting get a one-click "apply the fix" button.
 */
import { formatNumber } from '../i18n.js';
import { h, hiddenLayers, translator, weightProduct } from './util.js';

export const STRINGS = {
  en: {
    'coach.title': 'Coach',
    'coach.none': 'No pitfall spotted. Train the network and watch this space.',
    'coach.fix': 'Fix',
    'coach.task.binary': 'binary classification',
    'coach.task.multiclass': 'classification into several classes',
    'coach.task.regression': 'regression',
    'coach.symmetry.many': 'Layers {layers}: in each, every neuron is identical. With “{init}” initialization all neurons start equal, receive the same gradient and stay clones, so each layer behaves like a single neuron. Fix: start from random weights: Xavier for tanh or sigmoid, He for ReLU (both beyond the course’s syllabus; its own small random weights, uniform [−1, 1], break the symmetry too).',
    'coach.symmetry': 'Layer {layers}: every neuron is identical. With “{init}” initialization all neurons start equal, receive the same gradient and stay clones, so the layer behaves like a single neuron. Fix: start from random weights: Xavier for tanh or sigmoid, He for ReLU (both beyond the course’s syllabus; its own small random weights, uniform [−1, 1], break the symmetry too).',
    'coach.lr_too_high.diverged': 'The loss exploded (learning rate {learning_rate}): each step overshoots the minimum. Fix: divide the learning rate by 10 and reset.',
    'coach.lr_too_high.diverging': 'The loss is climbing instead of falling (learning rate {learning_rate}): the steps are too large. Fix: lower the learning rate.',
    'coach.lr_too_high.oscillating': 'The loss zigzags up and down (learning rate {learning_rate}): each step jumps across the valley. Fix: lower the learning rate.',
    'coach.lr_too_high.dying_relu': '{count} ReLU neurons died within a few epochs (learning rate {learning_rate}): a large step pushed their inputs below zero for every point. Fix: lower the learning rate, or use Leaky ReLU.',
    'coach.no_nonlinearity.linear_hidden': 'Every hidden layer is linear: with the output layer, the network’s {L} layers compose into one linear map, W′ = {product}, so the network can only draw a straight boundary. Fix: use a non-linear activation (tanh, ReLU) in the hidden layers.',
    'coach.no_nonlinearity.no_hidden': 'Without a hidden layer the model is linear and stalls at {accuracy} training accuracy on curved data. Fix: add a hidden layer with a non-linear activation.',
    'coach.output_mismatch': 'The last activation is {output}, which does not fit {task}. Fix: use {expected} at the output.',
    'coach.loss_mismatch': 'The loss {loss} does not fit {task}. Fix: use {expected}.',
    'coach.underfitting': 'Underfitting: training accuracy stays at {accuracy} after {epoch} epochs: the network does not fit even its training points. Fix: add neurons or layers, or train longer with a better learning rate or Adam.',
    'coach.vanishing_gradient': 'Vanishing gradient: after {epoch} epochs, {layers} sigmoid layers still fit only {accuracy} of the training points, and layer 1 gets {ratio}× the gradient of the last hidden layer. The sigmoid’s slope is at most 1/4, so the gradient shrinks at every layer on its way back. Fix: use tanh or ReLU in the hidden layers.',
    'coach.overfitting': 'Overfitting: the {split} loss rose from {best_loss} (epoch {best_epoch}) to {loss} while the training loss keeps falling. The network memorizes the training points. Fix: regularize (L2), use more data or a smaller network, or stop at epoch {best_epoch}.',
    'coach.dead_relu': 'Layer {layer}: {count} of {total} ReLU neurons are dead (neurons {neurons}): their input is negative for every point, so their gradient is zero and they never recover. Fix: re-draw the dead neurons and divide the learning rate by 10 (the Dead ReLUs tab’s Revive), or switch to Leaky ReLU.',
    'coach.unknown': 'Pitfall “{code}”.',
    // The pitfall in a few words, for the teacher's gallery (teach/gallery.js).
    'coach.short.symmetry': 'Symmetric neurons',
    'coach.short.lr_too_high': 'Learning rate too high',
    'coach.short.no_nonlinearity': 'No non-linearity',
    'coach.short.output_mismatch': 'Wrong output activation',
    'coach.short.loss_mismatch': 'Wrong loss',
    'coach.short.underfitting': 'Underfitting',
    'coach.short.vanishing_gradient': 'Vanishing gradient',
    'coach.short.overfitting': 'Overfitting',
    'coach.short.dead_relu': 'Dead ReLUs',
  },
  fr: {
    'coach.title': 'Conseils',
    'coach.none': 'Aucun piège repéré. Entraînez le réseau et surveillez cet encadré.',
    'coach.fix': 'Corriger',
    'coach.task.binary': 'une classification binaire',
    'coach.task.multiclass': 'une classification à plusieurs classes',
    'coach.task.regression': 'une régression',
    'coach.symmetry.many': 'Couches {layers} : dans chacune, tous les neurones sont identiques. Avec l’initialisation « {init} », ils partent égaux, reçoivent le même gradient et restent des clones : chaque couche se comporte comme un seul neurone. Correction : partir de poids aléatoires : Xavier pour tanh ou sigmoïde, He pour ReLU (tous deux hors matière ; les petits poids aléatoires du cours, uniformes sur [−1, 1], brisent aussi la symétrie).',
    'coach.symmetry': 'Couche {layers} : tous les neurones sont identiques. Avec l’initialisation « {init} », ils partent égaux, reçoivent le même gradient et restent des clones : la couche se comporte comme un seul neurone. Correction : partir de poids aléatoires : Xavier pour tanh ou sigmoïde, He pour ReLU (tous deux hors matière ; les petits poids aléatoires du cours, uniformes sur [−1, 1], brisent aussi la symétrie).',
    'coach.lr_too_high.diverged': 'Le coût a explosé (taux d’apprentissage {learning_rate}) : chaque pas dépasse le minimum. Correction : diviser le taux d’apprentissage par 10 et réinitialiser.',
    'coach.lr_too_high.diverging': 'Le coût monte au lieu de baisser (taux d’apprentissage {learning_rate}) : les pas sont trop grands. Correction : baisser le taux d’apprentissage.',
    'coach.lr_too_high.oscillating': 'Le coût oscille (taux d’apprentissage {learning_rate}) : chaque pas saute d’un bord à l’autre de la vallée. Correction : baisser le taux d’apprentissage.',
    'coach.lr_too_high.dying_relu': '{count} neurones ReLU sont morts en quelques époques (taux d’apprentissage {learning_rate}) : un grand pas a rendu leur entrée négative pour tous les points. Correction : baisser le taux d’apprentissage ou passer à Leaky ReLU.',
    'coach.no_nonlinearity.linear_hidden': 'Toutes les couches cachées sont linéaires : avec la couche de sortie, les {L} couches du réseau se composent en une seule application linéaire, W′ = {product}, et le réseau ne trace qu’une frontière droite. Correction : une activation non linéaire (tanh, ReLU) dans les couches cachées.',
    'coach.no_nonlinearity.no_hidden': 'Sans couche cachée, le modèle est linéaire et plafonne à {accuracy} de précision sur les données d’entraînement, qui sont courbes. Correction : ajouter une couche cachée non linéaire.',
    'coach.output_mismatch': 'L’activation de sortie « {output} » ne convient pas à {task}. Correction : utiliser « {expected} » en sortie.',
    'coach.loss_mismatch': 'La fonction de perte « {loss} » ne convient pas à {task}. Correction : utiliser « {expected} ».',
    'coach.underfitting': 'Sous-apprentissage : la précision d’entraînement reste à {accuracy} après {epoch} époques : le réseau n’ajuste même pas ses points d’entraînement. Correction : ajouter des neurones ou des couches, ou entraîner plus longtemps avec un meilleur taux d’apprentissage ou Adam.',
    'coach.vanishing_gradient': 'Gradient évanescent : après {epoch} époques, {layers} couches sigmoïdes n’ajustent que {accuracy} des points d’entraînement, et la couche 1 reçoit {ratio}× le gradient de la dernière couche cachée. La pente de la sigmoïde vaut au plus 1/4 : le gradient rétrécit à chaque couche en remontant. Correction : utiliser tanh ou ReLU dans les couches cachées.',
    'coach.overfitting': 'Sur-apprentissage : le coût de {split} est passé de {best_loss} (époque {best_epoch}) à {loss} alors que le coût d’entraînement continue de baisser. Le réseau apprend les points par cœur. Correction : régulariser (L2), plus de données ou un réseau plus petit, ou s’arrêter à l’époque {best_epoch}.',
    'coach.dead_relu': 'Couche {layer} : {count} neurones ReLU sur {total} sont morts (neurones {neurons}) : leur entrée est négative pour tous les points, leur gradient est nul et ils ne reviennent jamais. Correction : tirer à nouveau les neurones morts et diviser le taux d’apprentissage par 10 (Ranimer, dans l’onglet Neurones morts), ou passer à Leaky ReLU.',
    'coach.unknown': 'Piège « {code} ».',
    'coach.short.symmetry': 'Neurones symétriques',
    'coach.short.lr_too_high': 'Taux d’apprentissage trop grand',
    'coach.short.no_nonlinearity': 'Aucune non-linéarité',
    'coach.short.output_mismatch': 'Mauvaise activation de sortie',
    'coach.short.loss_mismatch': 'Mauvaise fonction de perte',
    'coach.short.underfitting': 'Sous-apprentissage',
    'coach.short.vanishing_gradient': 'Gradient évanescent',
    'coach.short.overfitting': 'Sur-apprentissage',
    'coach.short.dead_relu': 'ReLU mortes',
    'coach.name.sigmoid': 'sigmoïde',
    'coach.name.tanh': 'tanh',
    'coach.name.relu': 'ReLU',
    'coach.name.leaky_relu': 'Leaky ReLU',
    'coach.name.elu': 'ELU',
    'coach.name.linear': 'linéaire',
    'coach.name.softmax': 'softmax',
    'coach.name.mse': 'erreur quadratique',
    'coach.name.bce': 'entropie croisée binaire',
    'coach.name.cce': 'entropie croisée',
    'coach.name.zeros': 'zéros',
    'coach.name.constant': 'constante',
    'coach.name.uniform': 'uniforme [−1, 1]',
    'coach.name.normal': 'petite normale',
    'coach.name.large_normal': 'grande normale',
    'coach.name.xavier': 'Xavier',
    'coach.name.he': 'He',
  },
};

/**
 * The config change that fixes an advice, or null when the fix is not one setting.
 * @param {{code: string, params: any}} advice
 * @param {any} config the current normalized config
 * @returns {any}
 */
export function fixFor(advice, config) {
  const p = advice.params ?? {};
  const hidden = hiddenLayers(config);
  switch (advice.code) {
    case 'symmetry':
      return { init: hidden.some((l) => l.activation === 'relu') ? 'he' : 'xavier' };
    case 'lr_too_high': {
      const lr = Number(p.learning_rate ?? config?.optimizer?.learning_rate);
      return Number.isFinite(lr) && lr > 0 ? { optimizer: { learning_rate: Number((lr / 10).toPrecision(3)) } } : null;
    }
    case 'no_nonlinearity':
      if (p.reason !== 'linear_hidden') return { hidden: [{ units: 4, activation: 'tanh' }] };
      return hidden.length
        ? { hidden: hidden.map((l) => ({ ...l, activation: l.activation === 'linear' ? 'tanh' : l.activation })) }
        : null;
    case 'output_mismatch':
      return { output: { activation: 'auto' } };
    case 'loss_mismatch':
      return { output: { loss: 'auto' } };
    case 'vanishing_gradient':
      return hidden.length
        ? { hidden: hidden.map((l) => ({ ...l, activation: l.activation === 'sigmoid' ? 'tanh' : l.activation })) }
        : null;
    case 'dead_relu':
      return hidden.length
        ? { hidden: hidden.map((l) => ({ ...l, activation: l.activation === 'relu' ? 'leaky_relu' : l.activation })) }
        : null;
    default:
      return null;
  }
}

/**
 * The sentence for one advice in the current language.
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {{code: string, params: any}} advice
 */
export function wording(t, advice) {
  const p = { ...(advice.params ?? {}) };
  if (typeof p.task === 'string') p.task = t(`coach.task.${p.task}`);
  // A share as the reader writes a percentage: 12.5% in English, « 12,5 % » in French.
  if (typeof p.accuracy === 'number') p.accuracy = formatNumber(p.accuracy, { style: 'percent', maximumFractionDigits: 1 });
  if (typeof p.ratio === 'number') p.ratio = formatNumber(p.ratio, { maximumSignificantDigits: 2 });
  // Linear hidden layers and the output collapse into one map: W[L]…W[1], L counting the output.
  if (advice.code === 'no_nonlinearity' && typeof p.layers === 'number') Object.assign(p, { L: p.layers + 1, product: weightProduct(p.layers + 1) });
  // Neurons are numbered from 1 on screen, as in the course (the protocol counts from 0).
  if (Array.isArray(p.neurons)) p.neurons = p.neurons.map((/** @type {number} */ j) => j + 1);
  // Protocol names (`leaky_relu`, `bce`, `zeros`) are worded by `coach.name.*` where a language
  // has them (« entropie croisée binaire »); English keeps the course's short names.
  for (const k of ['output', 'expected', 'loss', 'init']) {
    if (typeof p[k] !== 'string') continue;
    const key = `coach.name.${p[k]}`;
    const name = t(key);
    p[k] = name === key ? p[k].replace('_', ' ') : name;
  }
  let key = `coach.${advice.code}`;
  if (advice.code === 'lr_too_high' || advice.code === 'no_nonlinearity') key += `.${p.reason}`;
  if (advice.code === 'symmetry' && Array.isArray(advice.params?.layers) && advice.params.layers.length > 1) key += '.many';
  const text = t(key, p);
  return text === key ? t('coach.unknown', { code: advice.code }) : text;
}

/**
 * @param {HTMLElement} container
 * @param {any} ctx
 */
export function mountCoach(container, ctx) {
  const t = translator(ctx);
  const title = h('h2', { class: 'ls-coach-title' });
  const list = h('ul', { class: 'ls-coach-list', 'aria-live': 'polite' });
  const empty = h('p', { class: 'ls-coach-empty', 'data-testid': 'coach-empty' });
  container.append(title, list, empty);
  container.setAttribute('data-testid', 'coach');
  container.classList.add('ls-coach');
  let shown = '';
  /** @type {any} */ let config = null;

  /** @param {any[]} advice */
  function render(advice) {
    title.textContent = t('coach.title');
    empty.textContent = t('coach.none');
    empty.hidden = advice.length > 0;
    list.replaceChildren(...advice.map((a) => {
      const fix = fixFor(a, config);
      const item = h('li', { class: 'ls-coach-item', 'data-code': a.code }, [
        h('span', { class: 'ls-coach-text', text: wording(t, a) }),
      ]);
      if (fix) {
        const button = h('button', { class: 'ls-btn ls-coach-fix', type: 'button', 'data-testid': `coach-fix-${a.code}`, text: t('coach.fix') });
        button.addEventListener('click', () => {
          // Reviving re-draws the dead neurons only (the server's revive); other fixes are
          // config changes.
          if (a.code === 'dead_relu') ctx.send({ type: 'revive', rule: 'redraw' });
          else ctx.configure(fix);
          // A diverged network holds NaN weights: the smaller rate needs fresh ones.
          if (a.code === 'lr_too_high' && a.params?.reason === 'diverged') ctx.send({ type: 'reset' });
        });
        item.append(' ', button);
      }
      return item;
    }));
  }

  return {
    /** @param {import('../state.js').AppState} state @param {Set<string>} changed */
    update(state, changed) {
      if (changed.has('config')) config = state.config;
      if (!changed.has('frame') && !changed.has('lang') && !changed.has('config') && shown) return;
      const coach = state.frame?.header?.coach;
      const advice = Array.isArray(coach) ? coach : [];
      const key = `${state.lang}|${JSON.stringify(advice)}|${JSON.stringify(config?.hidden ?? null)}`;
      if (key === shown) return;
      shown = key;
      render(advice);
    },
  };
}
