"""Trailwatch: the command-line front door that ties the simulator, the grader and the lab app together."""

__version__ = "0.1.0"
