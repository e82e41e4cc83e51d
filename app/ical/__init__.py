"""Flask-free iCalendar builders."""
