// The page's language (<html lang>): Vietnamese unless the page says English.
export function pageLanguage(doc = document) {
  return (doc.documentElement.getAttribute('lang') || 'vi').toLowerCase().startsWith('en') ? 'en' : 'vi';
}

// A tiny message lookup: catalogue[lang][key], falling back to Vietnamese, then to the key itself.
export function messages(catalogue, doc = document) {
  const lang = pageLanguage(doc);
  return (key) => (catalogue[lang] && catalogue[lang][key]) || catalogue.vi[key] || key;
}
