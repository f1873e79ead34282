"""intercept (work in progress)."""
