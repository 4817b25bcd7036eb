// Translate modules for dmn-js and form-js's editor: their own interface in Vietnamese unless the page is English
// (<html lang>). dmn-js takes a `translate` service (diagram-js's convention). form-js's editor passes neither its
// field type names nor its properties panel labels through `translate`, so they are translated where the editor
// reads them: the form field registry, and a properties provider that runs after form-js's own (group labels,
// the panel's `translate` prop, and each entry's rendered label and description).
import { VI as FORM_JS_VI } from '../lib/form-js-vi.js';
import { pageLanguage } from '../lib/i18n.js';
import { DMN_VI } from './dmn-catalogue-vi.js';
import { FORM_EDITOR_VI } from './form-editor-catalogue-vi.js';

function substitute(template, replacements) {
  return template.replace(/{([^}]+)}/g, (match, key) => (replacements && key in replacements ? replacements[key] : match));
}

export function makeTranslate(catalogue, doc = document) {
  const vietnamese = pageLanguage(doc) === 'vi';
  return (template, replacements) => substitute(vietnamese ? catalogue[template] || template : template, replacements);
}

// For DmnModeler's per-view options: { decisionTable: { additionalModules: [module] }, … }.
export function dmnTranslateModule(doc = document) {
  return { translate: ['value', makeTranslate(DMN_VI, doc)] };
}

const TEXT_PROPS = ['label', 'description', 'tooltip', 'placeholder', 'title'];

// The tree an entry component rendered: its text props and text children, all the way down (form-js calls
// TextfieldEntry and its kin as plain functions, so their labels are text children of the returned tree). Input
// values are never touched: only the `value` of a description (`forId` beside it) is text of the editor's own.
function translateVNode(vnode, translate) {
  if (Array.isArray(vnode)) return vnode.map((child) => translateVNode(child, translate));
  if (!vnode || typeof vnode !== 'object' || !vnode.props) return vnode;
  const { props } = vnode;
  for (const name of TEXT_PROPS) {
    if (typeof props[name] === 'string') props[name] = translate(props[name]);
  }
  if (typeof props.value === 'string' && 'forId' in props) props.value = translate(props.value);
  // Entry components (FEEL, list and text entries) take `translate` for their own strings; an element
  // (a string type) would print it as the HTML attribute of the same name.
  if (typeof vnode.type === 'function' && props.translate === undefined) props.translate = translate;
  if (typeof props.children === 'string') props.children = translate(props.children);
  else if (props.children) props.children = translateVNode(props.children, translate);
  return vnode;
}

// Properties panel entries render their labels inside their components: each component is wrapped once (a stable
// identity, or the panel would remount the entry and lose the caret on every keystroke) to translate what it renders.
function entryTranslator(translate) {
  const wrapped = new WeakMap();
  return (component) => {
    if (typeof component !== 'function') return component;
    if (!wrapped.has(component)) {
      const Translated = (props) => translateVNode(component(props), translate);
      wrapped.set(component, Translated);
    }
    return wrapped.get(component);
  };
}

class TranslatingPropertiesProvider {
  constructor(propertiesPanel, translate) {
    this._translate = translate;
    this._wrap = entryTranslator(translate);
    // Below the default priority: runs after form-js's own provider and sees the groups it made.
    propertiesPanel.registerProvider(this, 100);
  }

  _entry(entry) {
    // Entries made by form-js's entry factories carry their label in the entry itself.
    const translated = { ...entry, component: this._wrap(entry.component) };
    for (const name of TEXT_PROPS) {
      if (typeof entry[name] === 'string') translated[name] = this._translate(entry[name]);
    }
    return translated;
  }

  getGroups() {
    return (groups) => groups.map((group) => ({
      ...group,
      translate: this._translate, // the group's own strings ("Toggle section", "Section contains edits"…)
      label: typeof group.label === 'string' ? this._translate(group.label) : group.label,
      entries: group.entries && group.entries.map((entry) => this._entry(entry)),
    }));
  }
}
TranslatingPropertiesProvider.$inject = ['propertiesPanel', 'translate'];

function translateFieldNames(formFields, translate) {
  for (const [type, field] of Object.entries(formFields._formFields)) {
    const name = field.config && (field.config.name || field.config.label);
    if (!name || translate(name) === name) continue;
    // A translated copy in this editor's registry: the shared definition (also the preview's) stays as it is.
    const Translated = (props) => field(props);
    Object.assign(Translated, field, { config: { ...field.config, name: translate(name) } });
    formFields.register(type, Translated);
  }
}

// For FormEditor's additionalModules (the editor and its properties panel).
export function formEditorTranslateModule(doc = document) {
  // The editor's canvas draws the fields with form-js's own components: their strings too.
  const translate = makeTranslate({ ...FORM_JS_VI, ...FORM_EDITOR_VI }, doc);
  return {
    __init__: ['vdTranslatingPropertiesProvider', ['formFields', (formFields) => translateFieldNames(formFields, translate)]],
    translate: ['value', translate],
    vdTranslatingPropertiesProvider: ['type', TranslatingPropertiesProvider],
  };
}

// Texts form-js's editor writes straight into its palette and empty canvas, with no translate hook: rewritten
// in the DOM (and again whenever the editor re-renders them). Values typed by the admin are never touched.
const FORM_EDITOR_CHROME_VI = {
  Components: 'Thành phần',
  Input: 'Nhập liệu',
  Selection: 'Lựa chọn',
  Presentation: 'Trình bày',
  Containers: 'Nhóm',
  Action: 'Thao tác',
  Select: 'Chọn',
  'No components found.': 'Không tìm thấy thành phần nào.',
  'Drag and drop components here.': 'Kéo và thả thành phần vào đây.',
  'Drag and drop components here to start designing.': 'Kéo và thả thành phần vào đây để bắt đầu thiết kế.',
};
const CHROME_TEXT = '.fjs-palette-header, .fjs-palette-group-title, .fjs-palette-no-entries, '
  + '.fjs-empty-component-text, .fjs-empty-editor-card span, .fjs-empty-editor-card div, .fjs-select-display';

export function translateFormEditorChrome(container, doc = document) {
  if (doc.documentElement.lang === 'en') return;
  const apply = () => {
    container.querySelectorAll(CHROME_TEXT).forEach((element) => {
      // The text node itself is rewritten (never replaced), so the editor's own reference to it stays valid.
      const text = element.childNodes.length === 1 && element.firstChild.nodeType === 3 ? element.firstChild : null;
      if (text && FORM_EDITOR_CHROME_VI[text.nodeValue.trim()]) text.nodeValue = FORM_EDITOR_CHROME_VI[text.nodeValue.trim()];
      if (element.title && FORM_EDITOR_CHROME_VI[element.title]) element.title = FORM_EDITOR_CHROME_VI[element.title];
    });
    container.querySelectorAll('.fjs-palette-search').forEach((input) => {
      if (input.placeholder === 'Search components') input.placeholder = 'Tìm thành phần';
    });
    container.querySelectorAll('.fjs-palette-search-clear').forEach((button) => {
      if (button.title === 'Clear content') button.title = 'Xóa nội dung tìm';
    });
  };
  apply();
  new MutationObserver(apply).observe(container, { childList: true, subtree: true });
}
