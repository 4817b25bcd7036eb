// Property groups the engine ignores (SpiffWorkflow runs no job executor, listeners, external tasks, connectors,
// input/output or call-variable mappings): hidden so the panel offers only what runs.
export const HIDDEN_GROUPS = new Set([
  'CamundaPlatform__AsynchronousContinuations',
  'CamundaPlatform__JobExecution',
  'CamundaPlatform__ExecutionListener',
  'CamundaPlatform__TaskListener',
  'CamundaPlatform__ExternalTask',
  'CamundaPlatform__ConnectorInput',
  'CamundaPlatform__ConnectorOutput',
  'CamundaPlatform__FieldInjection',
  'CamundaPlatform__HistoryCleanup',
  'CamundaPlatform__Tasklist',
  'CamundaPlatform__CandidateStarter',
  'CamundaPlatform__Input',
  'CamundaPlatform__Output',
  'CamundaPlatform__InMapping',
  'CamundaPlatform__OutMapping',
  'CamundaPlatform__InMappingPropagation',
  'CamundaPlatform__OutMappingPropagation',
  'CamundaPlatform__BusinessKey',
]);

class HideIgnoredGroups {
  constructor(propertiesPanel) {
    // Lowest priority: runs after the BPMN and Camunda providers have added their groups.
    propertiesPanel.registerProvider(1, this);
  }

  getGroups() {
    return (groups) => groups.filter((group) => !HIDDEN_GROUPS.has(group.id));
  }
}
HideIgnoredGroups.$inject = ['propertiesPanel'];

export const hiddenGroupsModule = {
  __init__: ['hideIgnoredGroups'],
  hideIgnoredGroups: ['type', HideIgnoredGroups],
};
