// htmx sends the page's CSRF token (from <meta name="csrf-token">) in X-CSRFToken on every non-GET request.
const SAFE_METHODS = new Set(['get', 'head', 'options']);

export function csrfToken(doc) {
  const meta = doc.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') : null;
}

export function installCsrfHeader(doc) {
  doc.addEventListener('htmx:configRequest', (event) => {
    if (SAFE_METHODS.has(String(event.detail.verb).toLowerCase())) return;
    const token = csrfToken(doc);
    if (token) event.detail.headers['X-CSRFToken'] = token;
  });
}
