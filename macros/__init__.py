"""The MLOps playbook generator: load, validate and render playbook data for MkDocs."""
