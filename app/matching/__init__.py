"""Flask-free matching core: scores company ↔ buyer/need pairs with explanations."""
