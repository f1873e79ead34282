"""HTTP routes, one module per capability."""
