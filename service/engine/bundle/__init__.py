"""Deploy-time validation of a bundle of BPMN, DMN and form files (errors refuse, warnings deploy)."""
