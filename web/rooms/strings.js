// @ts-check
/**
 * The words of classroom rooms, shared by the student's banner (rooms/student.js) and the
 * teacher's page (teach/): the lockable controls, the challenge, the room's errors.
 */

/** Lockable controls, in the order the teacher's page lists them (docs/protocol.md). */
export const LOCKABLE = [
  'dataset', 'features', 'layers', 'activation', 'learning_rate', 'optimizer', 'init',
  'regularization', 'output', 'data_edit', 'experiments',
];

/** The challenge's metrics, first the default. */
export const METRICS = ['test_accuracy', 'test_loss'];

export const STRINGS = {
  en: {
    'room.lock.dataset': 'Dataset',
    'room.lock.features': 'Input features',
    'room.lock.layers': 'Layers and neurons',
    'room.lock.activation': 'Activations',
    'room.lock.learning_rate': 'Learning rate',
    'room.lock.optimizer': 'Optimizer',
    'room.lock.init': 'Initialization',
    'room.lock.regularization': 'Regularization',
    'room.lock.output': 'Output layer',
    'room.lock.data_edit': 'Editing the points',
    'room.lock.experiments': 'Experiments',
    'room.metric.test_accuracy': 'test accuracy',
    'room.metric.test_loss': 'test loss',
    'room.challenge': 'Challenge: {dataset}, ranked by {metric}',
    'room.challenge.params': 'at most {n} parameters',
    'room.challenge.epochs': 'at most {n} epochs',
  },
  fr: {
    'room.lock.dataset': 'Jeu de données',
    'room.lock.features': 'Caractéristiques d’entrée',
    'room.lock.layers': 'Couches et neurones',
    'room.lock.activation': 'Activations',
    'room.lock.learning_rate': 'Taux d’apprentissage',
    'room.lock.optimizer': 'Optimiseur',
    'room.lock.init': 'Initialisation',
    'room.lock.regularization': 'Régularisation',
    'room.lock.output': 'Couche de sortie',
    'room.lock.data_edit': 'Modification des points',
    'room.lock.experiments': 'Expériences',
    'room.metric.test_accuracy': 'précision de test',
    'room.metric.test_loss': 'coût de test',
    'room.challenge': 'Défi : {dataset}, classement par {metric}',
    'room.challenge.params': 'au plus {n} paramètres',
    'room.challenge.epochs': 'au plus {n} époques',
  },
};

/**
 * The challenge in one line: "Challenge: Spiral, ranked by test accuracy; at most 50 parameters".
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {any} challenge  {dataset: {name?}, max_params?, max_epochs?, metric, title?}
 * @param {(name: string) => string} datasetLabel
 */
export function challengeText(t, challenge, datasetLabel) {
  const name = challenge?.dataset?.name;
  const parts = [t('room.challenge', {
    dataset: name ? datasetLabel(name) : '–',
    metric: t(`room.metric.${challenge?.metric ?? 'test_accuracy'}`),
  })];
  if (challenge?.max_params) parts.push(t('room.challenge.params', { n: challenge.max_params }));
  if (challenge?.max_epochs) parts.push(t('room.challenge.epochs', { n: challenge.max_epochs }));
  const text = parts.join(', ');
  // An untitled challenge has an empty title: the line's own "Challenge" word, localized, names it.
  const title = typeof challenge?.title === 'string' ? challenge.title.trim() : '';
  return title ? `${title}: ${text}` : text;
}
