"""Loading and checking the playbook data: YAML with positions, pydantic models, cross-checks."""
