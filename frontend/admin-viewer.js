// Read-only diagrams of the admin pages: a version diff (added / changed / removed) and the heat map (active
// tokens and completions per element). `[data-admin-diagram]` with the XML and a list of marks
// `{id, kind, badge?, title?}`; each mark outlines the element (`vd-mark--<kind>`) and may add a badge.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { layoutProcess } from 'bpmn-auto-layout';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './css/admin-viewer.css';

const SYMBOLS = { added: '+', changed: '~', removed: '−' };

// A wide process fitted whole is unreadable: centre the first marked element at a readable scale instead.
function focus(canvas, registry, marked) {
  const box = canvas.viewbox();
  if (box.scale >= 0.6 || !marked.length) return;
  const element = registry.get(marked[0]);
  const scale = 0.8;
  const width = box.outer.width / scale;
  const height = box.outer.height / scale;
  canvas.viewbox({ x: element.x + element.width / 2 - width / 2, y: element.y + element.height / 2 - height / 2,
    width, height });
}

async function mount(figure) {
  const container = document.createElement('div');
  container.className = 'admin-diagram__canvas';
  figure.append(container);
  const viewer = new NavigatedViewer({ container });
  figure.bpmnViewer = viewer;
  try {
    let xml = JSON.parse(figure.querySelector('[data-bpmn-xml]').textContent);
    // A diagram without layout (no BPMNShape) would render empty: laid out here instead, as diagram.js does.
    if (!/<(\w+:)?BPMNShape[\s>]/.test(xml)) xml = await layoutProcess(xml);
    await viewer.importXML(xml);
    const canvas = viewer.get('canvas');
    canvas.zoom('fit-viewport');
    const registry = viewer.get('elementRegistry');
    const overlays = viewer.get('overlays');
    const marked = [];
    for (const mark of JSON.parse(figure.querySelector('[data-marks]').textContent)) {
      if (!registry.get(mark.id)) continue;
      canvas.addMarker(mark.id, `vd-mark--${mark.kind}`);
      marked.push(mark.id);
      const text = mark.badge ?? SYMBOLS[mark.kind];
      if (text) {
        const badge = Object.assign(document.createElement('div'), {
          className: `vd-mark-badge vd-mark-badge--${mark.kind}`, textContent: text, title: mark.title || '',
        });
        badge.dataset.elementId = mark.id;
        overlays.add(mark.id, 'vd-mark', { position: { top: -12, right: 12 }, html: badge });
      }
    }
    figure.markedElements = marked;
    focus(canvas, registry, marked);
    figure.dataset.ready = 'true';
  } catch (error) {
    console.error(error);
    figure.dataset.failed = 'true';
  }
}

document.querySelectorAll('[data-admin-diagram]').forEach(mount);
