// Task forms: form-js's viewer inside a plain HTML <form> that the browser posts (see frontend/README.md).
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import './css/task-form.css';
import { keepServerErrors, mapServerErrors, mergeErrors } from './lib/form-errors.js';
import { translateModule } from './lib/form-js-vi.js';
import { mountAll, readJsonScript, showFailure } from './lib/islands.js';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

function dataInputOf(hostForm) {
  let input = hostForm.querySelector('input[name="data_json"]');
  if (!input) {
    input = document.createElement('input');
    input.type = 'hidden';
    input.name = 'data_json';
    hostForm.append(input);
  }
  return input;
}

function focusFirstError(container) {
  const field = container.querySelector('.fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors select');
  if (field) field.focus();
}

// Server errors once the fields have rendered: form-js registers field instances (with value paths) while rendering.
async function showServerErrors(form, container, serverErrors) {
  if (!serverErrors || !Object.keys(serverErrors).length) return;
  await nextFrame();
  const instances = form.get('formFieldInstanceRegistry').getAllKeyed();
  const { errors, unmatched } = mapServerErrors(serverErrors, instances);
  form._setState({ errors: mergeErrors(form._getState().errors, errors) });
  if (Object.keys(unmatched).length) console.warn('task-form: errors for unknown fields', unmatched);
  await nextFrame();
  focusFirstError(container);
}

function wireSubmit(form, hostForm, container, readOnly, submitting) {
  const dataInput = dataInputOf(hostForm);
  hostForm.addEventListener('submit', (event) => {
    if (event.target !== hostForm) return; // form-js's own inner <form> bubbling up
    if (hostForm.dataset.submitting) {
      event.preventDefault(); // a second click while the first post is on its way
      return;
    }
    // Only the button decides (formnovalidate: drafts); `novalidate` on the form itself is about the browser's checks.
    const skipValidation = readOnly || Boolean(event.submitter && event.submitter.formNoValidate);
    let data;
    if (skipValidation) {
      data = readOnly ? form._getState().data : form._getSubmitData();
    } else {
      submitting.now = true;
      const result = form.submit();
      submitting.now = false;
      if (Object.keys(result.errors).length) {
        event.preventDefault();
        requestAnimationFrame(() => focusFirstError(container));
        return;
      }
      data = result.data;
    }
    dataInput.value = JSON.stringify(data);
    hostForm.dataset.submitting = 'true';
    hostForm.setAttribute('aria-busy', 'true');
  });
  window.addEventListener('pageshow', () => {
    delete hostForm.dataset.submitting;
    hostForm.removeAttribute('aria-busy');
  });
}

async function mountTaskForm(mount) {
  const hostForm = mount.closest('form');
  const schema = readJsonScript(mount, 'script[data-form-schema]', null);
  if (!hostForm || !schema) throw new Error('task-form: needs an enclosing <form> and a data-form-schema script');
  const readOnly = mount.hasAttribute('data-readonly');
  const container = document.createElement('div');
  container.className = 'task-form__fields';
  mount.append(container);
  const form = new Form({
    container,
    debounce: false, // the state must hold what was typed when a submit button posts the page
    additionalModules: [translateModule(document)],
    properties: { readOnly, ariaLabel: mount.getAttribute('aria-label') || undefined },
  });
  const serverErrors = readJsonScript(mount, 'script[data-form-errors]', {});
  const submitting = { now: false };
  keepServerErrors(form, serverErrors, () => submitting.now);
  await form.importSchema(schema, readJsonScript(mount, 'script[data-form-data]', {}));
  wireSubmit(form, hostForm, container, readOnly, submitting);
  mount.taskForm = form; // for page scripts and tests
  await showServerErrors(form, container, serverErrors);
  mount.dataset.ready = 'true';
}

mountAll('[data-task-form]', (mount) => {
  mountTaskForm(mount).catch((error) => {
    mount.dataset.failed = 'true';
    showFailure(mount, 'Không hiển thị được biểu mẫu. Vui lòng tải lại trang.', 'The form could not be shown. Please reload the page.');
    console.error('task-form: could not render the form', error);
  });
});
