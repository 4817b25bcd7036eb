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

// form-js's errors objects merged: lists of messages at the leaves, objects (list rows) merged deeply.
export function mergeErrors(current, extra) {
  const merged = { ...(current || {}) };
  for (const [key, value] of Object.entries(extra || {})) {
    const mine = merged[key];
    const bothObjects = mine && !Array.isArray(mine) && typeof mine === 'object' && !Array.isArray(value);
    merged[key] = bothObjects ? mergeErrors(mine, value) : value;
  }
  return merged;
}

function valueAt(data, path) {
  return path.reduce((node, step) => (node == null ? undefined : node[step]), data);
}

// Keeps a server error on its field while the field still holds the value the server rejected: form-js re-validates
// fields as they render and on blur, which would otherwise drop it at once. Typing a new value clears it; the
// client-side validation run by a submit (`isSubmitting()`) ignores it, so the server judges the new post.
export function keepServerErrors(form, serverErrors, isSubmitting) {
  const byPath = new Map(Object.entries(serverErrors || {}).map(([path, messages]) => [normalizePath(path), asList(messages)]));
  if (!byPath.size) return;
  const validator = form.get('validator');
  const validate = validator.validateFieldInstance.bind(validator);
  validator.validateFieldInstance = (instance, value) => {
    const errors = validate(instance, value);
    const path = instance.valuePath || [];
    const messages = byPath.get(path.join('.'));
    if (!messages || isSubmitting()) return errors;
    const rejected = valueAt(form._getState().initialData, path);
    return JSON.stringify(value ?? null) === JSON.stringify(rejected ?? null) ? [...errors, ...messages] : errors;
  };
}
