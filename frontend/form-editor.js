// The form editor island (@bpmn-io/form-js-editor) with a live preview (form-js viewer) fed by sample data;
// deploy sends the schema to the server, which checks it as task forms are checked. Admin pages only.
import { FormEditor } from '@bpmn-io/form-js-editor';
import { Form } from '@bpmn-io/form-js-viewer';

import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import './css/dmn-editor.css';
import { formEditorTranslateModule, translateFormEditorChrome } from './editors/translate.js';
import { translateModule as formJsTranslateModule } from './lib/form-js-vi.js';

const TEXTS = {
  vi: { failed: 'Không thực hiện được. Vui lòng thử lại.', deploying: 'Đang triển khai…', badJson: 'Dữ liệu mẫu phải là JSON hợp lệ.' },
  en: { failed: 'That did not work. Please try again.', deploying: 'Deploying…', badJson: 'The sample data must be valid JSON.' },
};

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

async function mount(root) {
  const texts = TEXTS[document.documentElement.lang === 'en' ? 'en' : 'vi'];
  const status = root.querySelector('[data-status]');
  const say = (text, kind = 'info') => { status.textContent = text; status.dataset.kind = kind; };
  const schema = JSON.parse(root.querySelector('[data-form-schema]').textContent);
  const editor = new FormEditor({ container: root.querySelector('[data-canvas]'),
    additionalModules: [formEditorTranslateModule()] });
  const preview = new Form({ container: root.querySelector('[data-preview]'),
    additionalModules: [formJsTranslateModule()] });
  root.formEditor = editor;
  root.formPreview = preview;
  let version = Number(root.dataset.version) || null;
  const sample = root.querySelector('[data-sample]');
  const refresh = async () => {
    let data = {};
    try {
      data = JSON.parse(sample.value || '{}');
    } catch {
      return say(texts.badJson, 'error');
    }
    await preview.importSchema(editor.saveSchema(), data);
    root.dataset.previewFields = editor.saveSchema().components.map((c) => c.key).filter(Boolean).join(' ');
  };
  try {
    await editor.importSchema(schema);
    translateFormEditorChrome(root.querySelector('[data-canvas]'));
    await refresh();
  } catch (error) {
    console.error(error);
    root.dataset.failed = 'true';
    return;
  }
  editor.on('changed', () => { refresh().catch((error) => console.warn(error)); });
  sample.addEventListener('change', () => { refresh().catch((error) => console.warn(error)); });
  root.querySelector('[data-action="deploy"]')?.addEventListener('click', async () => {
    say(texts.deploying);
    const response = await fetch(root.dataset.deployUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
      body: JSON.stringify({ schema: editor.saveSchema(), version }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const problems = data.error?.details?.problems || [];
      return say([data.error?.message || texts.failed, ...problems.map((p) => p.message)].join(' '), 'error');
    }
    version = data.version;
    root.dataset.deployedVersion = String(data.version);
    say(data.message, 'success');
  });
  root.dataset.ready = 'true';
}

document.querySelectorAll('[data-form-editor]').forEach(mount);
