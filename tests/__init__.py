"""Tests for the playbook's data model, validator, renderers and site."""
