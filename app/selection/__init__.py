"""Organisers' selection of applications."""
