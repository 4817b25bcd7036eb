// The BPMN modeler island: bpmn-js Modeler with the Camunda 7 properties panel, Vietnamese labels, server
// validation drawn on the diagram, drafts and deploys through the admin pages. Loaded only on the modeler page.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import './css/modeler.css';

import { translateModule } from './modeler/translate.js';
import { hiddenGroupsModule } from './modeler/hidden-groups.js';
import { laneEntryModule } from './modeler/lane-entry.js';
import { ProblemLayer } from './modeler/problems.js';

const TEXTS = {
  vi: {
    validating: 'Đang kiểm tra…', saving: 'Đang lưu nháp…', deploying: 'Đang triển khai…',
    noProblems: 'Không có lỗi hay cảnh báo nào.', error: 'Lỗi', warning: 'Cảnh báo',
    summary: (e, w) => `${e} lỗi, ${w} cảnh báo.`, valid: 'Sơ đồ hợp lệ.', hasErrors: 'Sơ đồ có lỗi chưa triển khai được.',
    invalid: 'Sơ đồ có lỗi; chưa triển khai gì. Xem các phần tử được đánh dấu.',
    importFailed: 'Không đọc được tệp BPMN này.', imported: 'Đã nhập tệp; chưa lưu.',
    failed: 'Không thực hiện được. Vui lòng thử lại.', versions: 'Xem các phiên bản',
  },
  en: {
    validating: 'Validating…', saving: 'Saving draft…', deploying: 'Deploying…',
    noProblems: 'No errors or warnings.', error: 'Error', warning: 'Warning',
    summary: (e, w) => `${e} errors, ${w} warnings.`, valid: 'The diagram is valid.', hasErrors: 'The diagram has errors and cannot be deployed.',
    invalid: 'The diagram has errors; nothing was deployed. See the marked elements.',
    importFailed: 'This BPMN file could not be read.', imported: 'File imported; not saved yet.',
    failed: 'That did not work. Please try again.', versions: 'See the versions',
  },
};

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

function download(name, content, type) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

class ModelerPage {
  constructor(root) {
    this.root = root;
    this.lang = document.documentElement.lang === 'en' ? 'en' : 'vi';
    this.texts = TEXTS[this.lang];
    this.version = Number(root.dataset.version) || null;
    this.status = root.querySelector('[data-status]');
    this.modeler = new BpmnModeler({
      container: root.querySelector('[data-canvas]'),
      propertiesPanel: { parent: root.querySelector('[data-panel]') },
      additionalModules: [
        BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
        CamundaBehaviorsModule, hiddenGroupsModule, laneEntryModule, translateModule(this.lang),
      ],
      moddleExtensions: { camunda: camundaModdle },
    });
    this.problems = new ProblemLayer(this.modeler, root.querySelector('[data-problems]'),
      root.querySelector('[data-problems-empty]'), this.texts);
  }

  say(text, kind = 'info') {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  async open(xml) {
    const { warnings } = await this.modeler.importXML(xml);
    if (warnings.length) console.warn('import warnings', warnings);
    const canvas = this.modeler.get('canvas');
    canvas.zoom('fit-viewport');
    // A wide process fitted whole is unreadable: show its start at a readable scale instead (drag to move).
    const box = canvas.viewbox();
    if (box.scale < 0.6) {
      const scale = 0.75;
      canvas.viewbox({ x: box.inner.x - 140 / scale, y: box.inner.y - 20, width: box.outer.width / scale,
        height: box.outer.height / scale });
    }
  }

  async xml() {
    return (await this.modeler.saveXML({ format: true })).xml;
  }

  async post(url, body) {
    const response = await fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  }

  async validate() {
    this.say(this.texts.validating);
    const { ok, data } = await this.post(this.root.dataset.validateUrl, { xml: await this.xml(), version: this.version });
    if (!ok) return this.say(data.error?.message || this.texts.failed, 'error');
    this.problems.show(data.problems);
    const errors = data.problems.filter((p) => p.level !== 'warning').length;
    this.say(errors ? this.texts.hasErrors : this.texts.valid, errors ? 'error' : 'success');
    return data.problems;
  }

  async saveDraft() {
    this.say(this.texts.saving);
    const { ok, data } = await this.post(this.root.dataset.draftUrl, { xml: await this.xml(), version: this.version });
    this.say(ok ? data.message : data.error?.message || this.texts.failed, ok ? 'success' : 'error');
  }

  async deploy() {
    this.say(this.texts.deploying);
    const { ok, data } = await this.post(this.root.dataset.deployUrl, { xml: await this.xml(), version: this.version });
    if (!ok) {
      const problems = data.error?.details?.problems;
      if (problems) {
        this.problems.show(problems);
        return this.say(this.texts.invalid, 'error');
      }
      return this.say(data.error?.message || this.texts.failed, 'error');
    }
    this.version = data.version;
    this.root.dataset.version = String(data.version);
    this.root.dataset.deployedVersion = String(data.version);
    const heading = this.root.closest('main')?.querySelector('[data-version-label]');
    if (heading) heading.textContent = data.versionLabel || heading.textContent;
    this.problems.show(data.warnings || []);
    this.say(data.message, 'success');
    const link = Object.assign(document.createElement('a'), { href: this.root.dataset.versionsUrl,
      textContent: ` ${this.texts.versions}` });
    this.status.append(link);
  }

  async importFile(file) {
    try {
      await this.open(await file.text());
      this.problems.clear();
      this.say(this.texts.imported);
    } catch (error) {
      console.warn(error);
      this.say(this.texts.importFailed, 'error');
    }
  }

  async exportXml() {
    download(`${this.root.dataset.processKey}.bpmn`, await this.xml(), 'application/xml');
  }

  async exportSvg() {
    const { svg } = await this.modeler.saveSVG();
    download(`${this.root.dataset.processKey}.svg`, svg, 'image/svg+xml');
  }

  wire() {
    const actions = {
      validate: () => this.validate(), draft: () => this.saveDraft(), deploy: () => this.deploy(),
      'export-xml': () => this.exportXml(), 'export-svg': () => this.exportSvg(),
    };
    for (const button of this.root.querySelectorAll('button[data-action]')) {
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await actions[button.dataset.action]();
        } catch (error) {
          console.warn(error);
          this.say(this.texts.failed, 'error');
        } finally {
          button.disabled = false;
        }
      });
    }
    const input = this.root.querySelector('input[data-action="import"]');
    input?.addEventListener('change', () => input.files[0] && this.importFile(input.files[0]));
  }
}

async function mount(root) {
  const page = new ModelerPage(root);
  root.bpmnModeler = page.modeler;
  root.modelerPage = page;
  try {
    await page.open(JSON.parse(root.querySelector('[data-bpmn-xml]').textContent));
    page.wire();
    root.dataset.ready = 'true';
  } catch (error) {
    console.error(error);
    root.dataset.failed = 'true';
    page.say(page.texts.importFailed, 'error');
  }
}

document.querySelectorAll('[data-bpmn-modeler]').forEach(mount);
