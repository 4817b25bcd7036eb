// "Làn" in the panel's General group: moves the selected flow node into another lane (drawn there, so bpmn-js
// updates the lanes' flowNodeRefs); the lane decides which role gets the task.
import { h } from '@bpmn-io/properties-panel/preact';
import { SelectEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { is } from 'bpmn-js/lib/util/ModelUtil';

function leafLanes(elementRegistry) {
  return elementRegistry.filter((e) => is(e, 'bpmn:Lane') && !(e.children || []).some((c) => is(c, 'bpmn:Lane')));
}

function laneOf(element, lanes) {
  return lanes.find((lane) => (lane.businessObject.flowNodeRef || []).includes(element.businessObject));
}

function LaneSelect(props) {
  const { element, id } = props;
  const registry = useService('elementRegistry');
  const modeling = useService('modeling');
  const translate = useService('translate');
  const lanes = leafLanes(registry);
  const getValue = () => laneOf(element, lanes)?.id || '';
  const setValue = (laneId) => {
    const lane = registry.get(laneId);
    if (!lane || laneOf(element, lanes) === lane) return;
    const dy = lane.y + lane.height / 2 - (element.y + element.height / 2);
    modeling.moveElements([element], { x: 0, y: dy }, element.parent);
  };
  const getOptions = () => lanes.map((lane) => ({ value: lane.id, label: lane.businessObject.name || lane.id }));
  return h(SelectEntry, { element, id, label: translate('Lane'), getValue, setValue, getOptions });
}

class LaneProvider {
  constructor(propertiesPanel, elementRegistry) {
    this.elementRegistry = elementRegistry;
    propertiesPanel.registerProvider(2, this);
  }

  getGroups(element) {
    return (groups) => {
      const general = groups.find((group) => group.id === 'general');
      if (general && is(element, 'bpmn:FlowNode') && leafLanes(this.elementRegistry).length) {
        general.entries.push({ id: 'vdLane', element, component: LaneSelect });
      }
      return groups;
    };
  }
}
LaneProvider.$inject = ['propertiesPanel', 'elementRegistry'];

export const laneEntryModule = { __init__: ['vdLaneProvider'], vdLaneProvider: ['type', LaneProvider] };
