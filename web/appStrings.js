// @ts-check
/** The page's own strings: its title, tagline, and the messages of its wiring (main.js). */
export const APP_STRINGS = {
  en: {
    'app.title': 'NN Playground',
    'app.tagline': 'Watch a neural network learn, live',
    'app.viewFailed': 'Part of the page failed to load ({view}): {message}',
    'app.badFrame': 'A frame from the server could not be read: {message}',
    'app.badUrl': 'Ignored in the link: {message}',
    'app.documentTitle': '{title}: {tagline}',
  },
  fr: {
    'app.title': 'NN Playground',
    'app.tagline': 'Regardez un réseau de neurones apprendre, en direct',
    'app.viewFailed': 'Une partie de la page n’a pas pu se charger ({view}) : {message}',
    'app.badFrame': 'Une trame du serveur est illisible : {message}',
    'app.badUrl': 'Ignoré dans le lien : {message}',
    'app.documentTitle': '{title} : {tagline}',
  },
};
