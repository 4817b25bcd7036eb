// A translate module for bpmn-js and the properties panel: our Vietnamese catalogue unless the page is English.
import { VI } from './catalogue-vi.js';

function substitute(template, replacements) {
  return template.replace(/{([^}]+)}/g, (_, key) => (replacements && key in replacements ? replacements[key] : `{${key}}`));
}

export function makeTranslate(lang) {
  const catalogue = lang === 'en' ? {} : VI;
  return function translate(template, replacements) {
    return substitute(catalogue[template] || template, replacements);
  };
}

export function translateModule(lang) {
  return { translate: ['value', makeTranslate(lang)] };
}
