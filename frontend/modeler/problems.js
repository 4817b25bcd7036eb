// Server validation problems drawn on the diagram: the element outlined (errors red, warnings amber), a badge
// with the message beside it, and the same list under the diagram (each entry selects its element).
const MARKERS = { error: 'vd-problem-error', warning: 'vd-problem-warning' };

export class ProblemLayer {
  constructor(modeler, listElement, emptyElement, texts) {
    this.modeler = modeler;
    this.list = listElement;
    this.empty = emptyElement;
    this.texts = texts;
    this.marked = [];
  }

  clear() {
    const canvas = this.modeler.get('canvas');
    const overlays = this.modeler.get('overlays');
    for (const [id, marker] of this.marked) {
      canvas.removeMarker(id, marker);
    }
    overlays.remove({ type: 'vd-problem' });
    this.marked = [];
    this.list.replaceChildren();
  }

  show(problems) {
    this.clear();
    const registry = this.modeler.get('elementRegistry');
    const canvas = this.modeler.get('canvas');
    const overlays = this.modeler.get('overlays');
    const onDiagram = new Map();
    for (const problem of problems) {
      const level = problem.level === 'warning' ? 'warning' : 'error';
      const element = problem.element_id ? registry.get(problem.element_id) : null;
      if (element) {
        if (!onDiagram.has(element.id)) onDiagram.set(element.id, []);
        onDiagram.get(element.id).push({ ...problem, level });
      }
      this.list.append(this.item(problem, level, element));
    }
    for (const [id, found] of onDiagram) {
      const level = found.some((p) => p.level === 'error') ? 'error' : 'warning';
      canvas.addMarker(id, MARKERS[level]);
      this.marked.push([id, MARKERS[level]]);
      const badge = document.createElement('div');
      badge.className = `vd-problem-badge vd-problem-badge--${level}`;
      badge.textContent = `${level === 'error' ? '✖' : '⚠'} ${found.length}`;
      badge.title = found.map((p) => p.message).join('\n');
      badge.dataset.elementId = id;
      overlays.add(id, 'vd-problem', { position: { top: -14, right: 14 }, html: badge });
    }
    const errors = problems.filter((p) => p.level !== 'warning').length;
    this.empty.textContent = problems.length === 0 ? this.texts.noProblems
      : this.texts.summary(errors, problems.length - errors);
  }

  item(problem, level, element) {
    const li = document.createElement('li');
    li.className = `problem problem--${level}`;
    li.dataset.level = level;
    if (problem.element_id) li.dataset.elementId = problem.element_id;
    const tag = document.createElement('strong');
    tag.textContent = level === 'error' ? this.texts.error : this.texts.warning;
    li.append(tag, ' ');
    if (element) {
      const link = document.createElement('button');
      link.type = 'button';
      link.className = 'link-button';
      link.textContent = element.businessObject.name || element.id;
      link.addEventListener('click', () => {
        this.modeler.get('selection').select(element);
        this.modeler.get('canvas').scrollToElement(element);
      });
      li.append(link, ': ');
    } else if (problem.file) {
      li.append(`${problem.file}: `);
    }
    li.append(problem.message);
    return li;
  }
}
