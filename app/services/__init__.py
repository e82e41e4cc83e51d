"""Services: the only code that speaks both ORM and core. They flush; callers commit."""
