"""Rule engine: defect playbooks, calibration catalogue and the planner."""
