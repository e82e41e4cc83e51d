"""Imports (companies, buyers) and exports (applications, requests, scores)."""
