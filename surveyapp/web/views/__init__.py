"""Flask blueprints: thin views that call the layers below them."""
