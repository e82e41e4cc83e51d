"""Printable agendas (per participant, per table, whole grid), laid out for A4 paper."""
