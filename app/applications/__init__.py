"""Company profile and application to an event."""
