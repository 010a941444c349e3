"""The MLOps playbook generator, one sub-package per stage of its pipeline.

``data`` loads and checks the YAML (sourcemap, loader, model, checks); ``render`` turns the model
into Markdown, HTML, DOT and SVG with pure functions; ``site`` adapts that to MkDocs (hooks,
rebuild cache, git dates); ``cli`` holds the ``playbook`` commands and exporters. Imports only
go down that list: ``cli`` -> ``site`` -> ``render`` -> ``data`` (checked by import-linter).
"""
