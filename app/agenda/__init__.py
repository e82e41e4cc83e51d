"""The organiser's agenda: scheduling runs, review, locks, publication."""
