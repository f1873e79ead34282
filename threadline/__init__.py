"""Threadline: counter-trafficking intelligence, from ads to leads."""

__all__ = ["__version__"]

__version__ = "0.1.0"
