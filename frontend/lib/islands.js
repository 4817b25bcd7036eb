import { pageLanguage } from './i18n.js';

// Reads the JSON of a <script type="application/json"> child (written by Jinja's `|tojson`, which escapes "<").
export function readJsonScript(root, selector, fallback) {
  const node = root.querySelector(selector);
  if (!node || !node.textContent.trim()) return fallback;
  return JSON.parse(node.textContent);
}

// A visible line where an island failed to render (its text in the page's language).
export function showFailure(mount, vi, en) {
  const line = document.createElement('p');
  line.className = 'flash flash--error';
  line.setAttribute('role', 'alert');
  line.textContent = pageLanguage(document) === 'en' ? en : vi;
  mount.prepend(line);
}

// Runs mount(element) when the element first comes near the viewport: a diagram below the fold costs nothing
// until the user scrolls to it, and one in view renders right after the page's first layout.
export function whenVisible(element, mount) {
  if (!('IntersectionObserver' in window)) {
    mount(element);
    return;
  }
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    mount(element);
  }, { rootMargin: '200px' });
  observer.observe(element);
}

// Runs mount(element) once for every element matching selector, now and in content htmx swaps in later.
export function mountAll(selector, mount) {
  const scan = (root) => {
    const nodes = root.matches && root.matches(selector) ? [root] : [];
    nodes.push(...root.querySelectorAll(selector));
    for (const node of nodes) {
      if (node.dataset.mounted) continue;
      node.dataset.mounted = 'true';
      mount(node);
    }
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => scan(document));
  } else {
    scan(document);
  }
  document.addEventListener('htmx:load', (event) => scan(event.target));
}
