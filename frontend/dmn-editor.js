// The decision table editor island (dmn-js Modeler) with "Thử bảng quyết định": the table as edited is sent
// with the trial inputs to the server, which evaluates it in the sandbox; the matched rules are marked in the
// table. Loaded only on the decision table page.
import DmnModeler from 'dmn-js/lib/Modeler';

import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';
import './css/dmn-editor.css';
import { dmnTranslateModule } from './editors/translate.js';

const TEXTS = {
  vi: {
    badJson: 'Dữ liệu thử phải là JSON hợp lệ.', failed: 'Không thực hiện được. Vui lòng thử lại.',
    noMatch: 'Không có quy tắc nào khớp.', applied: 'Quy tắc áp dụng', matched: 'Các quy tắc khớp (dòng)',
    result: 'Kết quả', deploying: 'Đang triển khai…',
  },
  en: {
    badJson: 'The trial data must be valid JSON.', failed: 'That did not work. Please try again.',
    noMatch: 'No rule matched.', applied: 'Rule applied', matched: 'Matching rules (rows)', result: 'Result',
    deploying: 'Deploying…',
  },
};

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, data: await response.json().catch(() => ({})) };
}

function openTable(modeler) {
  const table = modeler.getViews().find((view) => view.type === 'decisionTable');
  if (table) return modeler.open(table);
  return Promise.resolve();
}

function mark(root, result) {
  root.querySelectorAll('.vd-rule-matched, .vd-rule-applied').forEach((cell) => {
    cell.classList.remove('vd-rule-matched', 'vd-rule-applied');
  });
  for (const id of result.matched_rule_ids) {
    const applied = result.applied_rule_ids.includes(id);
    root.querySelectorAll(`[data-row-id="${CSS.escape(id)}"]`).forEach((cell) => {
      cell.classList.add(applied ? 'vd-rule-applied' : 'vd-rule-matched');
    });
  }
}

function showResult(box, result, texts) {
  box.replaceChildren();
  const list = document.createElement('dl');
  list.className = 'facts';
  const add = (label, value) => {
    list.append(Object.assign(document.createElement('dt'), { textContent: label }),
      Object.assign(document.createElement('dd'), { textContent: value }));
  };
  if (!result.matched_rule_ids.length) add(texts.result, texts.noMatch);
  else {
    add(texts.applied, result.applied_rule_ids.join(', '));
    add(texts.matched, result.matched_rows.join(', '));
    add(texts.result, JSON.stringify(result.outputs));
  }
  box.append(list);
  box.dataset.applied = result.applied_rule_ids.join(' ');
}

async function mount(root) {
  const texts = TEXTS[document.documentElement.lang === 'en' ? 'en' : 'vi'];
  const status = root.querySelector('[data-status]');
  const say = (text, kind = 'info') => { status.textContent = text; status.dataset.kind = kind; };
  // Per view: dmn-js drops `common.additionalModules` when a view has options of its own.
  const translate = dmnTranslateModule();
  const modeler = new DmnModeler({
    container: root.querySelector('[data-canvas]'),
    drd: { additionalModules: [translate] },
    decisionTable: { additionalModules: [translate] },
    literalExpression: { additionalModules: [translate] },
  });
  root.dmnModeler = modeler;
  let version = Number(root.dataset.version) || null;
  try {
    await modeler.importXML(JSON.parse(root.querySelector('[data-dmn-xml]').textContent));
    await openTable(modeler);
  } catch (error) {
    console.error(error);
    root.dataset.failed = 'true';
    return;
  }
  root.querySelector('[data-action="trial"]').addEventListener('click', async () => {
    let inputs;
    try {
      inputs = JSON.parse(root.querySelector('[data-trial-inputs]').value || '{}');
    } catch {
      return say(texts.badJson, 'error');
    }
    const { xml } = await modeler.saveXML();
    const { ok, data } = await post(root.dataset.trialUrl, { xml, version, inputs });
    if (!ok) return say(data.error?.message || texts.failed, 'error');
    say('');
    showResult(root.querySelector('[data-trial-result]'), data, texts);
    mark(root, data);
  });
  root.querySelector('[data-action="deploy"]')?.addEventListener('click', async () => {
    say(texts.deploying);
    const { xml } = await modeler.saveXML();
    const { ok, data } = await post(root.dataset.deployUrl, { xml, version });
    if (!ok) {
      const problems = data.error?.details?.problems || [];
      return say([data.error?.message || texts.failed, ...problems.map((p) => p.message)].join(' '), 'error');
    }
    version = data.version;
    root.dataset.deployedVersion = String(data.version);
    say(data.message, 'success');
  });
  root.dataset.ready = 'true';
}

document.querySelectorAll('[data-dmn-editor]').forEach(mount);
