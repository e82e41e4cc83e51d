"""Event set-up by organisers: event, days and slot grid, tables, participants, workshops."""
