"""API views, one module per resource family; each is thin: scope, validate, call a service."""
