// @ts-check
/**
 * The experiments: one click (or one URL, `?experiment=<name>`) sets up each demonstration of
 * the course. Each preset is a config applied over the server's default config, so nothing
 * left over from earlier tinkering changes what the class sees; `view` settings are kept.
 */
import { formatNumber, formatPercent } from '../i18n.js';
import { configFromUrl } from '../url.js';
import { lockControl, lockedIn } from '../rooms/locks.js';
import { SAMPLE_LIMIT } from './inspector.js';
import { fmt, h, translator, weightProduct } from './util.js';
import { reveal } from '../sections.js';
import { mountForwardTiming } from './forwardTiming.js';
import { mountParamKinds } from './paramKinds.js';
import { mountZigzagPath } from './zigzagPath.js';

/**
 * The instruments some cards carry below their text, by experiment: each
 * `mount(container, ctx)` returns `{update(state, changed)}`.
 * @type {Record<string, (c: HTMLElement, ctx: any) => {update(state: any, changed: Set<string>): void}>}
 */
const CARD_INSTRUMENTS = {
  loop_vs_vectorized: mountForwardTiming,
  parameters: mountParamKinds,
  zigzag: mountZigzagPath,
};

/** @typedef {import('../types/protocol').ExperimentEntry} Experiment */

/**
 * The experiments the server publishes in its catalog (`hello.catalog.experiments`), by name,
 * in menu order: each with its config, its epochs, its instrument tab, its variants and the
 * promise the server's tests hold it to on every seed.
 * @param {import('../state.js').AppState | null} state
 * @returns {Record<string, Experiment>}
 */
export function experimentsOf(state) {
  /** @type {Record<string, Experiment>} */ const out = {};
  for (const e of state?.hello?.catalog?.experiments ?? []) out[e.name] = e;
  return out;
}

/**
 * Measures that are shares of 1 (of the points, the units, a first value): a card quotes
 * their bounds as percentages.
 */
const SHARES = new Set(['train_accuracy', 'test_accuracy', 'dead_share', 'last_saturation', 'spread_ratio',
  'first_layer_change', 'one_sign_rows', 'revived_active', 'overfit_rise', 'loss_ratio', 'gradient_ratio']);

/**
 * The numbers a card's text quotes, taken from the promises the server's tests hold the
 * experiment to on every seed (server/lessons/experiments.py), never typed in the text: for each
 * bound, `{measure}_low` / `{measure}_high` of the experiment's own promise,
 * `{variant}_{measure}_low` of a variant's (the label with every run of other characters than
 * letters and digits as `_`: `lr_0_03_dead_share_high`), `revive_{measure}_low` of what
 * Revive promises with `revive_active` (the share of the points a revived neuron must be
 * active on to count), and `seeds_ratio`. Shares are percentages in the reader's language.
 * @param {Experiment} preset
 * @param {string} [lang]
 * @returns {Record<string, string>}
 */
export function promiseParams(preset, lang) {
  /** @type {Record<string, string>} */ const out = {};
  /** @param {string} prefix @param {any} promise */
  const add = (prefix, promise) => {
    for (const [measure, [low, high]] of Object.entries(promise?.bounds ?? {})) {
      for (const [end, value] of [['low', low], ['high', high]]) {
        if (typeof value !== 'number') continue;
        out[`${prefix}${measure}_${end}`] = SHARES.has(measure) ? formatPercent(value, 0, lang) : formatNumber(value, {}, lang);
      }
    }
  };
  add('', preset.promise);
  for (const v of preset.variants ?? []) add(`${v.label.replace(/[^A-Za-z0-9]+/g, '_')}_`, v.promise);
  if (preset.revive) {
    add('revive_', preset.revive);
    out.revive_active = formatPercent(preset.revive.active, 0, lang);
  }
  if (preset.seeds_ratio) out.seeds_ratio = formatNumber(preset.seeds_ratio, {}, lang);
  return out;
}

export const STRINGS = {
  en: {
    'exp.menu': 'Demonstrations',
    'exp.pitfalls': 'Pitfalls',
    'exp.run': 'Train {epochs} epochs',
    'exp.runOne': 'Train one epoch',
    'exp.runSeeds': 'Train from {seeds} initial weights ({epochs} epochs each)',
    'exp.link': 'Link to this experiment',
    'exp.watch': 'What to watch:',
    'exp.try': 'Try:',
    'exp.variant.large_normal': 'large normal',
    'exp.pick': 'Pick an experiment: one click sets up the network, the data and the instrument to watch.',
    'exp.zero_init.title': 'Zero initialization',
    'exp.zero_init.text': 'All weights start at zero, the output layer’s too. Every hidden neuron computes 0, and since W[L] = 0 no gradient reaches the hidden layers: they stay frozen at zero, and only the output bias learns. With a constant non-zero value the neurons do move, but all the same way: symmetry is never broken.',
    'exp.zero_init.watch': 'The symmetry banner: identical weights in every layer, and identical neuron thumbnails. Try constant (the neurons move together, still clones), then Xavier: the neurons become different.',
    'exp.constant_init.title': 'Every weight the same value',
    'exp.constant_init.text': 'The course’s 2-3-1 sigmoid network with every weight 0.5. The three hidden neurons compute the same thing, so the gradient rows of W[1] are identical, (u v) three times: the neurons move, but together, and stay clones. The layer is no more expressive than a single neuron.',
    'exp.constant_init.watch': 'The matrix inspector: press Next down to dW[1], whose three rows are equal and not zero. “Train 20 epochs”, inspect again: still three equal rows. Then try Xavier.',
    'exp.large_init.title': 'Large random weights: flat sigmoids (the course’s idea 2)',
    'exp.large_init.text': 'The course’s second idea: random weights, so that every neuron differs, but large ones (normal, σ = 5, the output layer’s too). Then |z| is large for most points and the sigmoid sits on its flat parts, where σ′(z) ≈ 0: after 20 epochs at least {last_saturation_low} of the hidden layer’s (neuron, point) pairs are saturated (with Xavier at most {xavier_last_saturation_high}), and W[1] has changed by less than {first_layer_change_high} of its initial size, so each hidden neuron stays the near-step it was drawn as. The course expects the gradient to be tiny and training slow; on this small example the whole gradient is not, and here is why: the circle’s points surround the origin, so every neuron’s boundary line crosses them, the points near it are not saturated, and there the large output weights multiply their gradient. Measured on 8 seeds, ‖dW[1]‖ at the start is not smaller than with Xavier and the loss after 20 epochs is about the same: the output layer learns on top of the step-like features.',
    'exp.large_init.watch': 'The initialization lab: the activations of layer 1 pile up at 0 and 1, the flat ends of the sigmoid, and the gradients tab’s saturation bars. Switch to Xavier: the activations spread over the middle, where the slope is steep.',
    'exp.dead_relu.title': 'Dead ReLUs at a large learning rate',
    'exp.dead_relu.text': 'A learning rate of 1.5 makes huge steps. One bad step can push a ReLU’s input below zero for every point; its gradient is then zero and it never comes back. After 100 epochs at least {dead_share_low} of the hidden neurons are dead, on every seed tried; at a learning rate of 0.03 at most {lr_0_03_dead_share_high} are.',
    'exp.dead_relu.watch': 'The dead ReLU tracker: which neurons died, and since which epoch (the epoch after which their input stayed below zero on every training point). Then press “Revive: re-draw the dead neurons”: each gets new incoming weights (He), a zero bias and zero outgoing weights, every other weight is kept, and the learning rate is divided by 10. Train 100 epochs again: at least {revive_revived_active_low} of the revived neurons are active on {revive_active} of the points or more, on every seed tried.',
    'exp.linear_collapse.title': 'Linear collapse on XOR',
    'exp.linear_collapse.text': 'With linear hidden activations, the network’s {L} layers compose into a single linear map, W′ = {product}, before the output’s sigmoid: a deep network is no better than logistic regression and cannot separate XOR.',
    'exp.linear_collapse.watch': 'The collapse view: the single-layer boundary coincides with the network’s. Switch to tanh and XOR is solved.',
    'exp.deep_init.title': 'Small weights fade, Xavier keeps the signal, on a deep tanh net',
    'exp.deep_init.text': 'Six tanh layers of eight neurons. With small random weights (normal, σ = 0.1) each layer shrinks the signal: the spread of the sixth layer’s activations is under {spread_ratio_high} of the first layer’s, almost no gradient flows back, and after 20 epochs the network gets at most {train_accuracy_high} of its training points right. Xavier (Glorot and Bengio, 2010) draws W[l] with variance 1/n[l−1]: the sixth layer keeps at least {xavier_spread_ratio_low} of the first layer’s spread. Uniform [−1, 1] keeps at least {uniform_spread_ratio_low} and learns the circle in 20 epochs (at least {uniform_train_accuracy_low} of the training points right): for a network this small it works, as the course says.',
    'exp.deep_init.watch': 'The initialization lab: the activation histograms layer by layer, and their std. Switch between normal, Xavier, uniform and zeros.',
    'exp.activations_spiral.title': 'Sigmoid vs tanh vs ReLU on the spiral',
    'exp.activations_spiral.text': 'A deep sigmoid network on the spiral learns very slowly: the derivative of the sigmoid is at most 0.25, so the gradient shrinks at every layer on its way back. Tanh and ReLU keep it larger.',
    'exp.activations_spiral.watch': 'The gradients tab: gradient norms per layer (log scale); the coach names the vanishing gradient. Compare the three activations: tanh and ReLU get further in the same epochs.',
    'exp.batch_norm.title': 'Batch normalization rescues a deep sigmoid network',
    'exp.batch_norm.text': 'Four sigmoid layers on the spiral, trained with SGD: the slope of the sigmoid is at most 1/4, so the gradient shrinks at every layer on its way back, and after 100 epochs the network fits at most {train_accuracy_high} of its training points (the coach usually names the vanishing gradient: on 28 of 32 runs, 16 seeds with and without a nudge). Batch normalization (remedy 4 of the course) puts Z̃ = γ (Z − μ)/√(σ² + ε) + β before each sigmoid: the input of every neuron is centred and scaled over the mini-batch, so the sigmoids start where their slope is steepest, and the same network fits at least {sigmoid_BN_train_accuracy_low} of the points in the same 100 epochs.',
    'exp.batch_norm.watch': 'The gradients tab: the gradient norm of each layer. Then turn BN on (the BN buttons above the hidden layers, or the “sigmoid + BN” variant) and train again: the first layers get larger gradients and the boundary follows the spiral.',
    'exp.overfitting.title': 'Overfitting: few points, a big network',
    'exp.overfitting.text': 'Twenty training points from two overlapping clouds and a network of three layers of eight tanh neurons (177 parameters). It learns the training points by heart, noise included. On every seed tried, the validation loss then rises by at least {overfit_rise_low} above its best while the training loss keeps falling: the network grows ever more confident on new points, right or wrong. The validation accuracy, which counts only right and wrong answers, usually falls too: at the end it is below its value at the best epoch on 6 of 8 seeds.',
    'exp.overfitting.watch': 'The loss chart: the validation loss reaches its best epoch, then rises while the training loss keeps falling. The coach says “overfitting”. Try L2 0.1: the validation loss stays within {L2_0_1_overfit_rise_high} of its best.',
    'exp.non_convexity.title': 'Non-convexity: other weights, other minimum',
    'exp.non_convexity.text': 'The loss J(W, b) of a network is not convex: it has several minima. Gradient descent follows the slope down from where it starts and stops in the minimum that path leads to, not necessarily the lowest: where it ends depends on where it starts. Two tanh neurons can separate XOR, yet from some initial weights training settles where one corner stays on the wrong side.',
    'exp.non_convexity.watch': 'Train from 10 initial weights: the Search panel trains the same network from 10 seeds side by side and plots their final training losses. They do not all reach the same loss: on every dataset seed tried, the highest is at least {seeds_ratio} times the lowest. Load the trials with the lowest and the highest loss to compare their boundaries.',
    'exp.zigzag.title': 'The zigzag effect: positive outputs',
    'exp.zigzag.text': 'For one example, row j of dW[2] is dz_j times A[1]ᵀ. Sigmoid and ReLU outputs are never negative, so every weight into neuron j moves in the same direction, up or down together: to reach a point where some must rise and others fall, gradient descent zigzags. Tanh’s outputs have both signs and its rows mix them. The drawing below shows the path on one neuron’s two weights: with inputs from sigmoids every step moves both weights the same way and the path is at least {path_detour} times as long as the distance it covers; with inputs from tanh at most {tanh_same_sign_percent}% of the steps do, and the path is at most {tanh_path_detour} times as long (on every seed tried).',
    'exp.zigzag.watch': 'The matrix inspector on one point: at dW[2] each row has a single sign (one color). Try tanh: the signs mix within a row. Relu, like sigmoid, keeps one sign per row.',
    'exp.standardize.title': 'Standardizing the inputs',
    'exp.standardize.text': 'The circle with the inputs x₁² and x₂², which reach {square} while x₁ and x₂ stay within ±{radius}. Such large inputs push the tanh neurons onto their flat parts, where the slope is almost 0 and learning is slow. Standardizing each input (minus its mean, divided by its standard deviation, both measured on the training set) puts every input on the same scale.',
    'exp.standardize.watch': 'The gradients tab: the share of saturated neurons after 20 epochs, {raw_last_saturation_low} or more with raw inputs, at most {standardized_last_saturation_high} standardized. The switch is in the data panel.',
    'exp.softmax.title': 'Softmax on 3 classes',
    'exp.softmax.text': 'Three classes need three output neurons and softmax: each column of Ŷ holds three probabilities that add up to one, trained with categorical cross-entropy.',
    'exp.softmax.watch': 'The matrix inspector: Ŷ is 3 × m and each of its columns sums to 1; dZ[L] = Ŷ − Y. Below it, the course’s example worked out: z = (5, 4, 2) gives ŷ = (0.705, 0.259, 0.035).',
    'exp.student.title': 'The four students, matrix by matrix',
    'exp.student.text': 'Four students as in the course’s example (hours of study and of rest, pass or fail; the course gives no numbers, these are made up) and a 2-3-1 network. Every number of one forward and one backward pass, with the shape of each matrix.',
    'exp.student.watch': 'The matrix inspector: press Next to follow Z[1], A[1], … Ŷ, and back through dZ, dW, db. “Train one epoch” takes one gradient step, W ← W − α dW, and shows the new numbers.',
    'exp.data_amount.title': 'Amount of data: twenty points or a thousand',
    'exp.data_amount.text': 'The course asks for “a large amount of labelled data”. Here is why: the same network (three layers of eight tanh neurons, Adam) learns two overlapping clouds from 20 training points (and 40 to validate), then from 1000 (and 500 to validate). With 20 points it learns them by heart, noise included: after 150 epochs its validation loss is above its training loss by {20_points_loss_gap_low} or more, on every seed tried. With 1000 it cannot memorize them and learns the clouds instead: the gap stays under {1000_points_loss_gap_high}.',
    'exp.data_amount.watch': 'The loss chart: with 20 points the training and validation losses part ways, with 1000 they stay together. Both variants start from the same initial weights; only the amount of data changes.',
    'exp.loop_vs_vectorized.title': 'A loop over the examples, or one matrix product',
    'exp.loop_vs_vectorized.text': 'The course’s forwardPassIterative computes z[1](i) = W[1]x(i) + b[1], then a[1](i), and so on to ŷ(i), for one example i at a time, in a loop over the m examples. Is it efficient? No: the vectorized pass computes Z[1] = W[1]X + b[1] for every column of X at once, one matrix product per layer, and each operation (the exponentials of the sigmoid or tanh included) runs once, in compiled code, over all m examples instead of m times. Both give the same Ŷ: they differ by at most {loop_difference}, on every seed tried.',
    'exp.loop_vs_vectorized.watch': 'Press “Time both passes”: the server runs both on the current network and training points and shows each time, their ratio and the largest difference between their outputs. Train, change the network or the number of points, and time again.',
    'exp.wide_layer.title': 'One wide layer draws a curve (universal approximation)',
    'exp.wide_layer.text': 'The universal approximation theorem: one hidden layer can approximate any continuous function as closely as wanted, given enough neurons; the course adds that it “may need an immense number of neurons”. The data is a curve y = f(x₁) with five bumps (a regression), the network one tanh layer with an identity output, trained on the squared error. With 2 neurons the training loss stays above {2_neurons_train_loss_low} after 200 epochs; with 64 it falls under {64_neurons_train_loss_high}, on every seed tried. This lesson alone allows {max_wide_units} neurons, in a network of one hidden layer: elsewhere a layer stops at {max_units}, as in TensorFlow Playground, so that the network’s drawing stays readable and every frame small enough to stream to a whole class.',
    'exp.wide_layer.watch': 'The output picture: its vertical bands follow f(x₁). Each tanh neuron adds one step; with 2 neurons the network draws one or two bumps, with 8 most of them, with 64 all five.',
    'exp.parameters.title': 'Parameters and hyperparameters',
    'exp.parameters.text': 'The parameters are the values gradient descent learns: the weights W[l] and the biases b[l] of every layer; you do not set them, training does. The hyperparameters are the values you choose before training: the number of layers and of neurons, the activation, the initialization, the learning rate, the optimizer, the batch size, the number of epochs. Train 20 epochs: the parameters move (the change of W[1] has a norm of {first_layer_moved_low} or more, on every seed tried) and the hyperparameters stay as you set them.',
    'exp.parameters.watch': 'The lists below follow the network: each parameter with its shape, each hyperparameter with its value. In the controls, the name of each hyperparameter you choose is underlined with dots (its tooltip says what it means); the matrix inspector shows the parameters’ values before and after training.',
    'exp.regression.title': 'Regression: an identity output and the squared error',
    'exp.regression.text': 'To predict a number rather than a class, the output neuron keeps its z as it is (the identity, “linear”: ŷ = z[L]) and the loss is the squared error (ŷ − y)², averaged over the points (mse). The data: six bumps, some up to +1, some down to −1. Trained 200 epochs, the training loss falls to under {loss_ratio_high} of its first value, on every seed tried. A sigmoid output cannot go below 0 nor above 1: the bumps below zero stay out of its reach, and the coach names the mismatch.',
    'exp.regression.watch': 'The output picture: the bumps above and below zero. Try the sigmoid output: the negative bumps vanish and the coach speaks.',
    'exp.optimizers.title': 'Gradient descent, SGD, Adam: the same network',
    'exp.optimizers.text': 'The same network (three layers of eight tanh neurons) on the spiral, from the same initial weights, with three optimizers (“SGD, Adam, etc.”). Gradient descent (GD) takes one step per epoch on all the training points: after 100 epochs it gets at most {GD_train_accuracy_high} of them right. SGD takes one step per mini-batch of 10 points, many steps per epoch, and gets at least {SGD_train_accuracy_low} right. Adam also adapts each weight’s step to the size of its recent gradients: at least {Adam_train_accuracy_low} of the training points right in the same 100 epochs.',
    'exp.optimizers.watch': 'The loss chart and the boundary: compare GD, SGD and Adam; each variant starts again from the same initial weights.',
    'exp.lr_too_high.title': 'A learning rate too large',
    'exp.lr_too_high.text': 'Gradient descent moves each weight by −α times its gradient. With α = 10 every step jumps past the bottom of the valley to a higher point on the other side, and the loss climbs instead of falling.',
    'exp.lr_too_high.watch': 'The loss chart zigzags and climbs; the coach says the learning rate is too large. Compare with lr 0.1: each variant starts again from the same initial weights.',
    'exp.wrong_output.title': 'A ReLU at the output',
    'exp.wrong_output.text': 'For a yes/no answer the output must be a probability between 0 and 1: a sigmoid. A ReLU output is unbounded and can get stuck at zero.',
    'exp.wrong_output.watch': 'The coach names the mismatch and offers the fix.',
    'exp.wrong_loss.title': 'Mean squared error for classification',
    'exp.wrong_loss.text': 'With a sigmoid output, the squared error gives tiny gradients when the network is confidently wrong; cross-entropy does not. Each task has its loss: bce, cce, mse.',
    'exp.wrong_loss.watch': 'The coach names the mismatch and offers the fix.',
    'exp.underfitting.title': 'Underfitting: too small a network',
    'exp.underfitting.text': 'Two tanh neurons cannot draw a spiral, even with Adam. The training accuracy stops improving well below 100%: the model, not the training, is the limit.',
    'exp.underfitting.watch': 'The coach says “underfitting” after a hundred epochs. Give it three layers of eight.',
  },
  fr: {
    'exp.menu': 'Démonstrations',
    'exp.pitfalls': 'Pièges',
    'exp.run': 'Entraîner {epochs} époques',
    'exp.runOne': 'Entraîner une époque',
    'exp.runSeeds': 'Entraîner depuis {seeds} poids initiaux ({epochs} époques chacun)',
    'exp.link': 'Lien vers cette expérience',
    'exp.watch': 'À observer :',
    'exp.try': 'Essayer :',
    'exp.pick': 'Choisissez une expérience : un clic règle le réseau, les données et l’instrument à observer.',
    'exp.zero_init.title': 'Initialisation à zéro',
    'exp.zero_init.text': 'Tous les poids partent de zéro, ceux de la couche de sortie aussi. Chaque neurone caché calcule 0 et, comme W[L] = 0, aucun gradient n’atteint les couches cachées : elles restent figées à zéro, seul le biais de sortie apprend. Avec une valeur constante non nulle, les neurones bougent, mais tous de la même façon : la symétrie n’est jamais brisée.',
    'exp.zero_init.watch': 'Le bandeau de symétrie : des poids identiques dans chaque couche et des vignettes de neurones identiques. Essayez « constante » (les neurones bougent ensemble, toujours clones), puis Xavier : les neurones se différencient.',
    'exp.constant_init.title': 'Tous les poids à la même valeur',
    'exp.constant_init.text': 'Le réseau sigmoïde 2-3-1 du cours avec tous les poids à 0,5. Les trois neurones cachés calculent la même chose, donc les lignes du gradient de W[1] sont identiques, (u v) trois fois : les neurones bougent, mais ensemble, et restent des clones. La couche n’est pas plus expressive qu’un seul neurone.',
    'exp.constant_init.watch': 'L’inspecteur de matrices : Suivant jusqu’à dW[1], dont les trois lignes sont égales et non nulles. « Entraîner 20 époques », puis inspectez à nouveau : toujours trois lignes égales. Essayez ensuite Xavier.',
    'exp.large_init.title': 'Grands poids aléatoires : la sigmoïde à plat (idée 2 du cours)',
    'exp.large_init.text': 'L’idée 2 du cours : des poids aléatoires, pour que chaque neurone soit différent, mais grands (normale, σ = 5, ceux de la couche de sortie aussi). Alors |z| est grand pour la plupart des points et la sigmoïde est sur ses parties plates, où σ′(z) ≈ 0 : après 20 époques, au moins {last_saturation_low} des couples (neurone, point) de la couche cachée sont saturés (avec Xavier, au plus {xavier_last_saturation_high}), et W[1] a changé de moins de {first_layer_change_high} de sa taille initiale : chaque neurone caché reste la quasi-marche tirée au départ. Le cours prévoit un gradient très petit et un entraînement lent ; sur ce petit exemple, le gradient dans son ensemble ne l’est pas, et voici pourquoi : les points du cercle entourent l’origine, donc la frontière de chaque neurone les traverse, les points proches d’elle ne sont pas saturés, et là les grands poids de sortie multiplient leur gradient. Mesuré sur 8 graines, ‖dW[1]‖ au départ n’est pas plus petit qu’avec Xavier et le coût après 20 époques est à peu près le même : la couche de sortie apprend sur ces caractéristiques en marches.',
    'exp.large_init.watch': 'Le labo d’initialisation : les activations de la couche 1 s’entassent en 0 et en 1, les extrémités plates de la sigmoïde, et les barres de saturation de l’onglet Gradients. Passez à Xavier : les activations s’étalent au milieu, là où la pente est forte.',
    'exp.dead_relu.title': 'Neurones ReLU morts à grand taux d’apprentissage',
    'exp.dead_relu.text': 'Un taux d’apprentissage de 1,5 fait des pas énormes. Un mauvais pas peut rendre l’entrée d’un neurone ReLU négative pour tous les points ; son gradient est alors nul et le neurone, mort, ne revient jamais. Après 100 époques, au moins {dead_share_low} des neurones cachés sont morts, sur chaque graine essayée ; avec un taux de 0,03, au plus {lr_0_03_dead_share_high}.',
    'exp.dead_relu.watch': 'Le suivi des neurones morts : quels neurones sont morts, et depuis quelle époque (celle après laquelle leur entrée est restée négative sur tous les points d’entraînement). Puis « Ranimer : tirer à nouveau les neurones morts » : chacun reçoit de nouveaux poids d’entrée (He), un biais nul et des poids de sortie nuls, tous les autres poids sont gardés, et le taux d’apprentissage est divisé par 10. Entraînez à nouveau 100 époques : au moins {revive_revived_active_low} des neurones ranimés sont actifs sur {revive_active} des points ou plus, sur chaque graine essayée.',
    'exp.linear_collapse.title': 'Effondrement linéaire sur XOR',
    'exp.linear_collapse.text': 'Avec des activations cachées linéaires, les {L} couches du réseau se composent en une seule application linéaire, W′ = {product}, avant la sigmoïde de sortie : un réseau profond ne fait pas mieux qu’une régression logistique et ne sépare pas XOR.',
    'exp.linear_collapse.watch': 'La vue d’effondrement : la frontière de la couche unique coïncide avec celle du réseau. Passez à tanh et XOR est résolu.',
    'exp.deep_init.title': 'Petits poids : le signal s’estompe ; Xavier le garde, sur un réseau tanh profond',
    'exp.deep_init.text': 'Six couches tanh de huit neurones. Avec de petits poids aléatoires (normale, σ = 0,1), chaque couche réduit le signal : la dispersion des activations de la sixième couche est inférieure à {spread_ratio_high} de celle de la première, presque aucun gradient ne remonte et, après 20 époques, le réseau classe bien au plus {train_accuracy_high} de ses points d’entraînement. Xavier (Glorot et Bengio, 2010) tire W[l] avec une variance 1/n[l−1] : la sixième couche garde au moins {xavier_spread_ratio_low} de la dispersion de la première. L’uniforme entre −1 et 1 en garde au moins {uniform_spread_ratio_low} et apprend le cercle en 20 époques (au moins {uniform_train_accuracy_low} des points d’entraînement bien classés) : pour un si petit réseau, elle marche, comme le dit le cours.',
    'exp.deep_init.watch': 'Le labo d’initialisation : les histogrammes d’activations couche par couche et leur écart type. Alternez normale, Xavier, uniforme et zéros.',
    'exp.activations_spiral.title': 'Sigmoïde, tanh ou ReLU sur la spirale',
    'exp.activations_spiral.text': 'Un réseau sigmoïde profond apprend très lentement la spirale : la dérivée de la sigmoïde vaut au plus 0,25, le gradient rétrécit donc à chaque couche en remontant. Tanh et ReLU le gardent plus grand.',
    'exp.activations_spiral.watch': 'L’onglet gradients : la norme du gradient par couche (échelle log) ; l’encadré Conseils signale le gradient évanescent. Comparez les trois activations : tanh et ReLU vont plus loin en autant d’époques.',
    'exp.batch_norm.title': 'La normalisation par lots sauve un réseau sigmoïde profond',
    'exp.batch_norm.text': 'Quatre couches sigmoïdes sur la spirale, entraînées par SGD : la pente de la sigmoïde vaut au plus 1/4, le gradient rétrécit donc à chaque couche en remontant, et après 100 époques le réseau n’ajuste toujours pas plus de {train_accuracy_high} de ses points d’entraînement (l’encadré Conseils signale le plus souvent le gradient évanescent : sur 28 essais sur 32, 16 graines avec et sans perturbation). La normalisation par lots (BN, remède 4 du cours) place Z̃ = γ (Z − μ)/√(σ² + ε) + β avant chaque sigmoïde : l’entrée de chaque neurone est centrée et réduite sur le mini-lot, les sigmoïdes partent donc là où leur pente est la plus forte, et le même réseau ajuste au moins {sigmoid_BN_train_accuracy_low} des points en autant d’époques.',
    'exp.batch_norm.watch': 'L’onglet gradients : la norme du gradient de chaque couche. Activez ensuite BN (les boutons BN au-dessus des couches cachées, ou la variante « sigmoïde + BN ») et entraînez à nouveau : les premières couches reçoivent de plus grands gradients et la frontière suit la spirale.',
    'exp.overfitting.title': 'Sur-apprentissage : peu de points, un grand réseau',
    'exp.overfitting.text': 'Vingt points d’entraînement tirés de deux nuages qui se chevauchent et un réseau de trois couches de huit neurones tanh (177 paramètres). Il apprend les points par cœur, bruit compris. Sur chaque graine essayée, le coût de validation remonte alors d’au moins {overfit_rise_low} au-dessus de son minimum pendant que le coût d’entraînement baisse encore : le réseau devient de plus en plus sûr de lui sur de nouveaux points, qu’il ait raison ou tort. La précision de validation, qui ne compte que les bonnes et les mauvaises réponses, baisse aussi le plus souvent : à la fin, elle est sous sa valeur à la meilleure époque sur 6 graines sur 8.',
    'exp.overfitting.watch': 'La courbe de coût : le coût de validation atteint son minimum puis remonte alors que le coût d’entraînement baisse encore. L’encadré Conseils signale le sur-apprentissage. Essayez L2 0,1 : le coût de validation reste à moins de {L2_0_1_overfit_rise_high} au-dessus de son minimum.',
    'exp.non_convexity.title': 'Non-convexité : autres poids, autre minimum',
    'exp.non_convexity.text': 'La fonction de coût J(W, b) d’un réseau n’est pas convexe : elle a plusieurs minima. La descente de gradient suit la pente depuis son point de départ et s’arrête dans le minimum où mène ce chemin, pas forcément le plus bas : où elle s’arrête dépend d’où elle part. Deux neurones tanh peuvent séparer XOR, pourtant depuis certains poids initiaux l’entraînement s’arrête là où un coin reste du mauvais côté.',
    'exp.non_convexity.watch': 'Entraîner depuis 10 poids initiaux : le panneau Recherche entraîne le même réseau depuis 10 graines côte à côte et trace leurs coûts d’entraînement finaux. Ils n’atteignent pas tous le même coût : sur chaque graine de données essayée, le plus haut vaut au moins {seeds_ratio} fois le plus bas. Chargez les essais au coût le plus bas et au coût le plus haut pour comparer leurs frontières.',
    'exp.zigzag.title': 'L’effet zigzag : des sorties positives',
    'exp.zigzag.text': 'Pour un exemple, la ligne j de dW[2] vaut dz_j fois A[1]ᵀ. Les sorties sigmoïde et ReLU ne sont jamais négatives : tous les poids qui entrent dans le neurone j bougent dans le même sens, ensemble vers le haut ou vers le bas. Pour atteindre un point où certains doivent monter et d’autres descendre, la descente de gradient zigzague. Les sorties de tanh ont les deux signes et ses lignes les mélangent. Le dessin ci-dessous montre le chemin sur les deux poids d’un neurone : avec des entrées venant de sigmoïdes, chaque pas fait bouger les deux poids dans le même sens et le chemin est au moins {path_detour} fois plus long que la distance parcourue ; avec des entrées venant de tanh, au plus {tanh_same_sign_percent} % des pas le font, et le chemin est au plus {tanh_path_detour} fois plus long (sur chaque graine essayée).',
    'exp.zigzag.watch': 'L’inspecteur de matrices sur un point : à dW[2], chaque ligne a un seul signe (une couleur). Essayez tanh : les signes se mélangent dans une ligne. ReLU, comme la sigmoïde, garde un signe par ligne.',
    'exp.standardize.title': 'Standardiser les entrées',
    'exp.standardize.text': 'Le cercle avec les entrées x₁² et x₂², qui atteignent {square} alors que x₁ et x₂ restent entre −{radius} et {radius}. Des entrées aussi grandes poussent les neurones tanh sur leurs parties plates, où la pente est presque nulle et l’apprentissage lent. Standardiser chaque entrée (moins sa moyenne, divisée par son écart type, tous deux mesurés sur l’ensemble d’entraînement) met toutes les entrées à la même échelle.',
    'exp.standardize.watch': 'L’onglet Gradients : la part de neurones saturés après 20 époques, {raw_last_saturation_low} ou plus avec les entrées brutes, au plus {standardized_last_saturation_high} standardisées. L’interrupteur est dans le panneau Données.',
    'exp.softmax.title': 'Softmax sur 3 classes',
    'exp.softmax.text': 'Trois classes demandent trois neurones de sortie et softmax : chaque colonne de Ŷ contient trois probabilités de somme 1, apprises avec l’entropie croisée.',
    'exp.softmax.watch': 'L’inspecteur de matrices : Ŷ est de taille 3 × m et chacune de ses colonnes a pour somme 1 ; dZ[L] = Ŷ − Y. En dessous, l’exemple du cours détaillé : z = (5, 4, 2) donne ŷ = (0,705 ; 0,259 ; 0,035).',
    'exp.student.title': 'Les quatre étudiants, matrice par matrice',
    'exp.student.text': 'Quatre étudiants comme dans l’exemple du cours (heures d’étude et de repos, réussite ou échec ; le cours ne donne pas de nombres, ceux-ci sont inventés) et un réseau 2-3-1. Tous les nombres d’une passe en avant et d’une passe en arrière, avec la dimension de chaque matrice.',
    'exp.student.watch': 'L’inspecteur de matrices : Suivant pour suivre Z[1], A[1], … Ŷ, puis revenir par dZ, dW, db. « Entraîner une époque » fait un pas de gradient, W ← W − α dW, et montre les nouveaux nombres.',
    'exp.data_amount.title': 'Quantité de données : vingt points ou mille',
    'exp.data_amount.text': 'Le cours demande « un nombre conséquent de données labellisées ». Voici pourquoi : le même réseau (trois couches de huit neurones tanh, Adam) apprend deux nuages qui se chevauchent à partir de 20 points d’entraînement (et 40 de validation), puis de 1000 (et 500 de validation). Avec 20 points, il les apprend par cœur, bruit compris : après 150 époques, son coût de validation dépasse son coût d’entraînement d’au moins {20_points_loss_gap_low}, sur chaque graine essayée. Avec 1000, il ne peut pas les retenir et apprend plutôt les nuages : l’écart reste sous {1000_points_loss_gap_high}.',
    'exp.data_amount.watch': 'La courbe de coût : avec 20 points, les coûts d’entraînement et de validation s’écartent ; avec 1000, ils restent ensemble. Les deux variantes partent des mêmes poids initiaux ; seule la quantité de données change.',
    'exp.loop_vs_vectorized.title': 'Une boucle sur les exemples, ou un produit de matrices',
    'exp.loop_vs_vectorized.text': 'Le forwardPassIterative du cours calcule z[1](i) = W[1]x(i) + b[1], puis a[1](i), et ainsi de suite jusqu’à ŷ(i), pour un exemple i à la fois, dans une boucle sur les m exemples. Est-ce efficace ? Non : la passe vectorisée calcule Z[1] = W[1]X + b[1] pour toutes les colonnes de X d’un coup, un produit de matrices par couche, et chaque opération (les exponentielles de la sigmoïde ou de tanh comprises) s’exécute une fois, en code compilé, sur les m exemples au lieu de m fois. Les deux donnent le même Ŷ : ils diffèrent d’au plus {loop_difference}, sur chaque graine essayée.',
    'exp.loop_vs_vectorized.watch': 'Appuyez sur « Chronométrer les deux passes » : le serveur exécute les deux sur le réseau et les points d’entraînement actuels et affiche chaque temps, leur rapport et le plus grand écart entre leurs sorties. Entraînez, changez le réseau ou le nombre de points, et chronométrez à nouveau.',
    'exp.wide_layer.title': 'Une couche large trace une courbe (approximateur universel)',
    'exp.wide_layer.text': 'Le théorème d’approximation universelle : une seule couche cachée peut approcher n’importe quelle fonction continue d’aussi près qu’on veut, avec assez de neurones ; le cours ajoute que cela « peut nécessiter un nombre immense de neurones ». Les données sont une courbe y = f(x₁) à cinq bosses (une régression), le réseau une couche tanh avec une sortie identité, entraînée sur l’erreur quadratique. Avec 2 neurones, le coût d’entraînement reste au-dessus de {2_neurons_train_loss_low} après 200 époques ; avec 64, il passe sous {64_neurons_train_loss_high}, sur chaque graine essayée. Cette leçon seule permet {max_wide_units} neurones, dans un réseau à une couche cachée : ailleurs une couche s’arrête à {max_units}, comme dans l’outil en ligne de TensorFlow dont s’inspire celui-ci, pour que le dessin du réseau reste lisible et chaque trame assez petite pour être envoyée à toute une classe.',
    'exp.wide_layer.watch': 'L’image de la sortie : ses bandes verticales suivent f(x₁). Chaque neurone tanh ajoute une marche ; avec 2 neurones, le réseau trace une ou deux bosses, avec 8 la plupart, avec 64 les cinq.',
    'exp.parameters.title': 'Paramètres et hyper-paramètres',
    'exp.parameters.text': 'Les paramètres sont les valeurs que la descente de gradient apprend : les poids W[l] et les biais b[l] de chaque couche ; vous ne les fixez pas, l’entraînement le fait. Les hyper-paramètres sont les valeurs que vous choisissez avant l’entraînement : le nombre de couches et de neurones, l’activation, l’initialisation, le taux d’apprentissage, l’optimiseur, la taille de lot, le nombre d’époques. Entraînez 20 époques : les paramètres bougent (la variation de W[1] a une norme d’au moins {first_layer_moved_low}, sur chaque graine essayée) et les hyper-paramètres restent tels que vous les avez choisis.',
    'exp.parameters.watch': 'Les listes ci-dessous suivent le réseau : chaque paramètre avec sa dimension, chaque hyper-paramètre avec sa valeur. Dans les réglages, le nom de chaque hyper-paramètre que vous choisissez est souligné en pointillés (son infobulle dit ce que c’est) ; l’inspecteur de matrices montre les valeurs des paramètres avant et après l’entraînement.',
    'exp.regression.title': 'Régression : une sortie identité et l’erreur quadratique',
    'exp.regression.text': 'Pour prédire un nombre plutôt qu’une classe, le neurone de sortie garde son z tel quel (l’identité, « linéaire » : ŷ = z[L]) et la fonction de perte est l’erreur quadratique (ŷ − y)², moyennée sur les points. Les données : six bosses, certaines jusqu’à +1, d’autres jusqu’à −1. Après 200 époques, le coût d’entraînement tombe sous {loss_ratio_high} de sa première valeur, sur chaque graine essayée. Une sortie sigmoïde ne descend pas sous 0 ni ne dépasse 1 : les bosses négatives restent hors de sa portée, et l’encadré Conseils signale l’erreur.',
    'exp.regression.watch': 'L’image de la sortie : les bosses au-dessus et au-dessous de zéro. Essayez la sortie sigmoïde : les bosses négatives disparaissent et l’encadré Conseils parle.',
    'exp.optimizers.title': 'Descente de gradient, SGD, Adam : le même réseau',
    'exp.optimizers.text': 'Le même réseau (trois couches de huit neurones tanh) sur la spirale, depuis les mêmes poids initiaux, avec trois optimiseurs (« SGD, Adam, etc. »). La descente de gradient (GD) fait un pas par époque sur tous les points d’entraînement : après 100 époques, elle en classe bien au plus {GD_train_accuracy_high}. SGD fait un pas par mini-lot de 10 points, beaucoup de pas par époque, et en classe bien au moins {SGD_train_accuracy_low}. Adam adapte en plus le pas de chaque poids à la taille de ses gradients récents : au moins {Adam_train_accuracy_low} des points d’entraînement bien classés en autant d’époques.',
    'exp.optimizers.watch': 'La courbe de coût et la frontière : comparez GD, SGD et Adam ; chaque variante repart des mêmes poids initiaux.',
    'exp.lr_too_high.title': 'Un taux d’apprentissage trop grand',
    'exp.lr_too_high.text': 'La descente de gradient déplace chaque poids de −α fois son gradient. Avec α = 10, chaque pas saute par-dessus le fond de la vallée vers un point plus haut de l’autre côté, et le coût monte au lieu de baisser.',
    'exp.lr_too_high.watch': 'La courbe de coût oscille et monte ; l’encadré Conseils signale un taux d’apprentissage trop grand. Comparez avec α = 0,1 : chaque variante repart des mêmes poids initiaux.',
    'exp.wrong_output.title': 'Une ReLU en sortie',
    'exp.wrong_output.text': 'Pour une réponse oui/non, la sortie doit être une probabilité entre 0 et 1 : une sigmoïde. Une sortie ReLU n’est pas bornée et peut rester bloquée à zéro.',
    'exp.wrong_output.watch': 'L’encadré Conseils nomme l’erreur et propose la correction.',
    'exp.wrong_loss.title': 'Erreur quadratique pour classer',
    'exp.wrong_loss.text': 'Avec une sortie sigmoïde, l’erreur quadratique donne des gradients minuscules quand le réseau se trompe avec assurance ; l’entropie croisée non. À chaque tâche sa fonction de perte : entropie croisée binaire pour deux classes, entropie croisée pour plusieurs, erreur quadratique pour une régression.',
    'exp.wrong_loss.watch': 'L’encadré Conseils nomme l’erreur et propose la correction.',
    'exp.underfitting.title': 'Sous-apprentissage : un réseau trop petit',
    'exp.underfitting.text': 'Deux neurones tanh ne peuvent pas tracer une spirale, même avec Adam. La précision d’entraînement plafonne bien en dessous de 100 % : c’est le modèle qui limite, pas l’entraînement.',
    'exp.underfitting.watch': 'L’encadré Conseils signale le sous-apprentissage après une centaine d’époques. Donnez-lui trois couches de huit.',
    'exp.variant.lr': 'α = {value}',
    'exp.variant.L2': 'L2 {value}',
    'exp.variant.zeros': 'zéros',
    'exp.variant.constant': 'constante',
    'exp.variant.uniform': 'uniforme',
    'exp.variant.normal': 'normale',
    'exp.variant.large_normal': 'grande normale',
    'exp.variant.xavier': 'Xavier',
    'exp.variant.he': 'He',
    'exp.variant.linear': 'linéaire',
    'exp.variant.sigmoid': 'sigmoïde',
    'exp.variant.sigmoid + BN': 'sigmoïde + BN',
    'exp.variant.tanh': 'tanh',
    'exp.variant.relu': 'ReLU',
    'exp.variant.raw': 'brutes',
    'exp.variant.standardized': 'standardisées',
    'exp.variant.2 neurons': '2 neurones',
    'exp.variant.8 neurons': '8 neurones',
    'exp.variant.64 neurons': '64 neurones',
    'exp.variant.identity': 'identité',
    'exp.variant.sigmoid output': 'sortie sigmoïde',
  },
};


/** @param {unknown} v */
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `base` with `patch` merged in: objects merge key by key, anything else (arrays included)
 * is replaced.
 * @param {any} base
 * @param {any} patch
 * @returns {any}
 */
export function merge(base, patch) {
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch);
  /** @type {Record<string, any>} */ const out = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) out[k] = k in out ? merge(out[k], v) : structuredClone(v);
  return out;
}

/**
 * The full config of an experiment: the server's default config (from `hello`) with the
 * preset merged in, then `extra` (the parameters of a teacher's link, `?experiment=…&seed=2`);
 * the current `view` settings are kept; fields the server fills are dropped.
 * @param {Experiment} preset
 * @param {any} defaults  `hello.config`
 * @param {any} current   the current config (for `view`), or null
 * @param {any} [extra]   a partial config applied over the preset
 */
export function experimentConfig(preset, defaults, current, extra = {}) {
  const full = merge(merge(defaults ?? {}, preset.config), extra);
  if (isObject(full.output)) {
    delete full.output.resolved_activation;
    delete full.output.resolved_loss;
    full.output.activation ??= 'auto';
    full.output.loss ??= 'auto';
    if (!preset.config.output && !extra.output) Object.assign(full.output, { activation: 'auto', loss: 'auto' });
  }
  if (current?.view) full.view = merge(current.view, extra.view ?? {});
  return full;
}

/**
 * The experiment named in a URL's query string (or null), and the config parameters the URL
 * also carries: they apply over the experiment's preset, so `?experiment=zero_init&seed=2` is
 * the experiment at seed 2 (and a reloaded page, whose URL web/url.js keeps up to date, gets
 * back the settings it had).
 * @param {string} search
 * @returns {{name: string | null, extra: any}}
 */
export function experimentFromUrl(search) {
  const name = new URLSearchParams(search).get('experiment');
  return { name: name || null, extra: configFromUrl(search).config };
}

/**
 * Records the running experiment in the page's URL (other parameters kept), so that a reload
 * returns to it.
 * @param {string} name
 */
export function rememberExperiment(name) {
  const params = new URLSearchParams(window.location.search);
  params.set('experiment', name);
  history.replaceState(history.state, '', `?${params.toString().replaceAll('%3A', ':').replaceAll('%2C', ',')}${window.location.hash}`);
}

/**
 * A link to an experiment on this page.
 * @param {string} name
 */
export function experimentHref(name) {
  const url = new URL(window.location.href);
  url.search = `?experiment=${encodeURIComponent(name)}`;
  url.hash = '';
  return url.href;
}

/**
 * The experiments menu.
 * @param {HTMLElement} container
 * @param {any} ctx
 * @param {{start: (name: string) => void, active: () => string | null}} host
 */
export function mountExperiments(container, ctx, host) {
  const t = translator(ctx);
  const pick = h('p', { class: 'ls-hint' });
  const menu = h('div', { class: 'ls-exp-menu' });
  container.append(pick, menu);
  /** @type {Record<string, HTMLElement>} */ const items = {};

  const group = (/** @type {string} */ labelKey, /** @type {string[]} */ names) => {
    const label = h('h3', { class: 'ls-exp-group', 'data-key': labelKey });
    const row = h('div', { class: 'ls-exp-row' });
    for (const name of names) {
      const b = h('button', { class: 'ls-btn ls-exp-item', type: 'button', 'data-testid': `experiment-${name}`, 'data-name': name });
      b.addEventListener('click', () => host.start(name));
      items[name] = b;
      row.append(b);
    }
    menu.append(label, row);
  };
  let ready = true;
  let locked = false;
  let built = false;

  /**
   * The menu, once the server has published its experiments.
   * @param {import('../state.js').AppState} state
   */
  function build(state) {
    const table = Object.values(experimentsOf(state));
    if (built || !table.length) return false;
    built = true;
    group('exp.menu', table.filter((e) => e.group === 'lesson').map((e) => e.name));
    group('exp.pitfalls', table.filter((e) => e.group === 'pitfall').map((e) => e.name));
    render();
    return true;
  }

  function render() {
    pick.textContent = t('exp.pick');
    for (const label of menu.querySelectorAll('.ls-exp-group')) label.textContent = t(String(label.getAttribute('data-key')));
    const active = host.active();
    for (const [name, b] of Object.entries(items)) {
      b.textContent = t(`exp.${name}.title`);
      b.setAttribute('aria-pressed', String(name === active));
    }
  }

  render();
  return {
    /** @param {import('../state.js').AppState} state @param {Set<string>} changed */
    update(state, changed) {
      const fresh = build(state);
      if (changed.has('lang') || changed.has('experiment')) render();
      // An experiment starts from the server's default config, known once it said hello.
      const now = Boolean(state.hello) && state.connection === 'open';
      // A teacher may lock the experiments (rooms/locks.js).
      const lockedNow = lockedIn(state).has('experiments');
      if (!fresh && now === ready && lockedNow === locked) return;
      ready = now;
      locked = lockedNow;
      for (const b of Object.values(items)) lockControl(b, locked, !ready);
    },
  };
}

/**
 * The card of the running experiment, shown above the instruments: what it shows, what to
 * watch, a button that trains its number of epochs, variants to compare, and its link.
 * @param {HTMLElement} container
 * @param {any} ctx
 * @param {{active: () => string | null, preset: (name: string) => Experiment | undefined}} host
 */
export function mountExperimentCard(container, ctx, host) {
  const t = translator(ctx);
  container.classList.add('ls-exp-card');
  container.setAttribute('data-testid', 'experiment-card');
  /** The variant buttons of the card shown, with the config each sets. */
  /** @type {{button: HTMLElement, config: any}[]} */ let variants = [];
  /** Whether a teacher locked the experiments (rooms/locks.js): the variants are disabled. */
  let locked = false;
  /** The instrument of the card shown, if it has one (CARD_INSTRUMENTS). */
  /** @type {{update(state: any, changed: Set<string>): void} | null} */ let instrument = null;

  /**
   * Marks the variants the config matches.
   * @param {any} config
   */
  function pressed(config) {
    for (const v of variants) v.button.setAttribute('aria-pressed', String(Boolean(config) && isSubset(v.config, config)));
  }

  /**
   * Builds the card of the running experiment.
   * @param {any} config
   */
  function render(config) {
    const active = host.active();
    container.hidden = !active;
    variants = [];
    instrument = null;
    if (!active) {
      container.removeAttribute('data-experiment');
      container.replaceChildren();
      return;
    }
    const preset = host.preset(active);
    if (!preset) return;
    container.setAttribute('data-experiment', active);
    const actions = h('div', { class: 'ls-exp-actions' });
    if (preset.epochs > 0) {
      const text = preset.epochs === 1 ? t('exp.runOne') : t('exp.run', { epochs: preset.epochs });
      const run = h('button', { class: 'ls-btn ls-primary', type: 'button', 'data-testid': 'lesson-train', text });
      run.addEventListener('click', () => {
        reveal(container, 'stage');
        const done = ctx.request({ type: 'step', epochs: preset.epochs });
        // Steps run in the background: inspect once the step's status says it is done.
        if (preset.tab !== 'inspector') return;
        done.then(() => {
          const current = host.active();
          ctx.send({ type: 'inspect', sample_limit: (current && host.preset(current)?.inspect) || SAMPLE_LIMIT });
        }, () => {});
      });
      actions.append(run);
    }
    if (preset.seeds) {
      // The same network from `seeds` initial weights, side by side: the Search panel runs
      // its seeds preset and draws the spread of their final costs.
      const text = t('exp.runSeeds', { seeds: preset.seeds, epochs: preset.epochs });
      const seeds = h('button', { class: 'ls-btn ls-primary', type: 'button', 'data-testid': 'lesson-seeds', text });
      seeds.addEventListener('click', () => {
        ctx.store.set('searchRequest', { preset: 'seeds', trials: preset.seeds, epochs: preset.epochs });
      });
      actions.append(seeds);
    }
    if (preset.variants?.length) {
      actions.append(h('span', { class: 'ls-label', text: t('exp.try') }));
      for (const v of preset.variants) {
        const button = h('button', {
          class: 'ls-btn', type: 'button', 'data-testid': `variant-${v.label.replace(/[^\w.]+/g, '')}`, text: variantLabel(t, v.label),
        });
        // A variant starts from the same initial weights as the others (the config's seed):
        // a fair comparison, and a clean start after a divergence.
        button.addEventListener('click', () => {
          ctx.configure(v.config);
          ctx.send({ type: 'reset' });
          reveal(container, 'stage');
        });
        lockControl(button, locked);
        variants.push({ button, config: v.config });
        actions.append(button);
      }
    }
    pressed(config);
    const numbers = { ...cardParams(preset), ...promiseParams(preset, ctx.i18n?.lang) };
    container.replaceChildren(
      h('h3', { class: 'ls-exp-title', text: t(`exp.${active}.title`) }),
      h('p', { 'data-testid': 'experiment-text', text: t(`exp.${active}.text`, numbers) }),
      h('p', { 'data-testid': 'experiment-watch' }, [h('strong', { text: t('exp.watch') }), ' ', t(`exp.${active}.watch`, numbers)]),
      actions,
      h('p', { class: 'ls-hint' }, [h('a', { href: experimentHref(active), 'data-testid': 'experiment-link', text: t('exp.link') })]),
    );
    const mount = CARD_INSTRUMENTS[active];
    if (mount) {
      const box = h('div', { class: 'ls-card-instrument', 'data-testid': 'card-instrument' });
      container.insertBefore(box, actions);
      instrument = mount(box, ctx);
    }
  }

  render(null);
  return {
    /** @param {import('../state.js').AppState} state @param {Set<string>} changed */
    update(state, changed) {
      if (changed.has('locked')) {
        locked = lockedIn(state).has('experiments');
        for (const v of variants) lockControl(v.button, locked);
      }
      if (changed.has('lang') || changed.has('experiment')) render(state.config);
      else if (changed.has('config')) pressed(state.config);
      if (!changed.has('experiment')) instrument?.update(state, changed);
    },
  };
}

/**
 * The numbers a card's text quotes, in the reader's language: the experiment's `facts` (from the
 * engine, such as the circle's radius), and from its network `L`, its number of weight
 * matrices, and `product`, what they collapse into when the hidden layers are linear
 * (W[3]W[2]W[1]).
 * @param {Experiment} preset
 * @returns {Record<string, string | number>}
 */
export function cardParams(preset) {
  /** @type {Record<string, string | number>} */ const params = {};
  for (const [name, value] of Object.entries(preset.facts ?? {})) params[name] = fmt(Number(value));
  const hidden = preset.config?.hidden;
  if (Array.isArray(hidden)) Object.assign(params, { L: hidden.length + 1, product: weightProduct(hidden.length + 1) });
  return params;
}

/**
 * A variant's label in the reader's language. The server names variants in its own terms
 * (`lr 0.1`, `L2 0.1`, `zeros`, `sigmoid`); a language words them with `exp.variant.*` keys
 * (« α = 0,1 », « zéros »), and without one the label is shown as the server wrote it.
 * @param {(key: string, params?: Record<string, unknown>) => string} t
 * @param {string} label
 */
export function variantLabel(t, label) {
  const m = label.match(/^(lr|L2) (\S+)$/);
  const key = m ? `exp.variant.${m[1]}` : `exp.variant.${label}`;
  const text = t(key, m ? { value: Number.isFinite(Number(m[2])) ? Number(m[2]) : m[2] } : {});
  return text === key ? label : text;
}

/**
 * Whether every value in `part` equals the one at the same place in `whole` (arrays compared
 * element by element, so `hidden` matches on units and activations).
 * @param {any} part
 * @param {any} whole
 * @returns {boolean}
 */
export function isSubset(part, whole) {
  if (part !== null && typeof part === 'object') {
    if (whole === null || typeof whole !== 'object') return false;
    if (Array.isArray(part) && (!Array.isArray(whole) || part.length !== whole.length)) return false;
    return Object.entries(part).every(([k, v]) => isSubset(v, whole[k]));
  }
  return part === whole;
}
