// Server-side field errors ({"nominees[1].full_name": ["..."]}) placed where form-js keeps its own errors.

// "a.b[2].c" and "a.b.2.c" both become "a.b.2.c": the key form-js's value paths join to.
export function normalizePath(path) {
  return String(path).replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

function asList(messages) {
  return (Array.isArray(messages) ? messages : [messages]).map(String).filter(Boolean);
}

// Returns form-js's errors object (field id, then list indexes) and the server errors no field matched.
export function mapServerErrors(serverErrors, fieldInstances) {
  const byPath = new Map();
  for (const instance of fieldInstances) {
    byPath.set((instance.valuePath || []).join('.'), instance);
  }
  const errors = {};
  const unmatched = {};
  for (const [path, messages] of Object.entries(serverErrors || {})) {
    const instance = byPath.get(normalizePath(path));
    if (!instance) {
      unmatched[path] = asList(messages);
      continue;
    }
    const errorPath = [instance.id, ...Object.values(instance.indexes || {})];
    let node = errors;
    for (const step of errorPath.slice(0, -1)) {
      node[step] = node[step] || {};
      node = node[step];
    }
    node[errorPath[errorPath.length - 1]] = asList(messages);
  }
  return { errors, unmatched };
}
