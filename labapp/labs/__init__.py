"""The labs area: lab content (NN-*.md here), live step checks, questions; ``bp`` is the blueprint."""

from labapp.labs.views import NAV, bp

__all__ = ["NAV", "bp"]
