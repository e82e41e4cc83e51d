"""Needs catalogue and CPV autocomplete."""
