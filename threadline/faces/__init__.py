"""faces (work in progress)."""
