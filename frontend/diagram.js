// Diagrams: bpmn-js's NavigatedViewer with completed / active / waiting elements marked (see frontend/README.md).
import { layoutProcess } from 'bpmn-auto-layout';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './css/diagram.css';
import { messages } from './lib/i18n.js';
import { mountAll, readJsonScript, showFailure, whenVisible } from './lib/islands.js';

// state -> CSS class on the element and the symbol of its overlay (the symbol means colour is not the only signal).
export const MARKER_STATES = {
  completed: { className: 'vd-completed', symbol: '✓' },
  active: { className: 'vd-active', symbol: '●' },
  waiting: { className: 'vd-waiting', symbol: '◷' },
};

const READABLE_SCALE = 0.8;

const t = messages({
  vi: { completed: 'Đã xong', active: 'Đang xử lý', waiting: 'Đang chờ', zoomIn: 'Phóng to', zoomOut: 'Thu nhỏ',
        fit: 'Vừa khung', failed: 'Không hiển thị được sơ đồ quy trình.' },
  en: { completed: 'Done', active: 'In progress', waiting: 'Waiting', zoomIn: 'Zoom in', zoomOut: 'Zoom out',
        fit: 'Fit', failed: 'The process diagram could not be shown.' },
});

function addMarkers(viewer, markers) {
  const canvas = viewer.get('canvas');
  const overlays = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  const marked = {};
  for (const [state, { className, symbol }] of Object.entries(MARKER_STATES)) {
    marked[state] = [];
    for (const id of markers[state] || []) {
      if (!registry.get(id)) continue; // an id of another version of the diagram: nothing to mark
      canvas.addMarker(id, className);
      const badge = document.createElement('span');
      badge.className = `vd-marker vd-marker--${state}`;
      badge.title = t(state);
      badge.setAttribute('aria-hidden', 'true'); // the page's text list says the same for screen readers
      badge.textContent = symbol;
      overlays.add(id, 'vd-state', { position: { top: -10, right: 10 }, html: badge });
      marked[state].push(id);
    }
  }
  return marked;
}

// A wide diagram fitted into the box is too small to read: show the current step at a readable scale instead.
function focusOnActive(viewer, activeIds) {
  const canvas = viewer.get('canvas');
  if (!activeIds.length || canvas.zoom() >= READABLE_SCALE) return;
  const element = viewer.get('elementRegistry').get(activeIds[0]);
  canvas.zoom(READABLE_SCALE);
  const { outer } = canvas.viewbox();
  canvas.viewbox({
    x: element.x + element.width / 2 - outer.width / READABLE_SCALE / 2,
    y: element.y + element.height / 2 - outer.height / READABLE_SCALE / 2,
    width: outer.width / READABLE_SCALE,
    height: outer.height / READABLE_SCALE,
  });
}

function addZoomButtons(mount, canvas) {
  const bar = document.createElement('div');
  bar.className = 'diagram__zoom';
  const actions = [
    ['zoomIn', '+', () => canvas.zoom(canvas.zoom() * 1.25)],
    ['zoomOut', '−', () => canvas.zoom(canvas.zoom() / 1.25)],
    ['fit', '⤢', () => canvas.zoom('fit-viewport', 'auto')],
  ];
  for (const [key, label, action] of actions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn--secondary btn--small';
    button.textContent = label;
    button.setAttribute('aria-label', t(key));
    button.title = t(key);
    button.addEventListener('click', action);
    bar.append(button);
  }
  mount.append(bar);
}

async function mountDiagram(mount) {
  let xml = readJsonScript(mount, 'script[data-bpmn-xml]', null);
  if (!xml) throw new Error('no data-bpmn-xml script');
  // A diagram written without layout (no BPMNShape: some hand-written or generated processes) would render
  // empty: lay its process out here (one row of flow, no lanes) rather than show nothing.
  if (!/<(\w+:)?BPMNShape[\s>]/.test(xml)) xml = await layoutProcess(xml);
  const canvasNode = document.createElement('div');
  canvasNode.className = 'diagram__canvas';
  mount.append(canvasNode);
  const viewer = new NavigatedViewer({ container: canvasNode });
  await viewer.importXML(xml);
  const canvas = viewer.get('canvas');
  canvas.zoom('fit-viewport', 'auto');
  mount.bpmnViewer = viewer; // for page scripts and tests
  mount.markedElements = addMarkers(viewer, readJsonScript(mount, 'script[data-bpmn-markers]', {}));
  focusOnActive(viewer, mount.markedElements.active);
  addZoomButtons(mount, canvas);
  mount.dataset.ready = 'true';
}

mountAll('[data-bpmn-diagram]', (element) => whenVisible(element, (mount) => {
  mountDiagram(mount).catch((error) => {
    mount.dataset.failed = 'true';
    showFailure(mount, t('failed'), t('failed'));
    console.error('diagram: could not render the diagram', error);
  });
}));
