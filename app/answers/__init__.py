"""Buyers answer meeting requests and invite companies."""
