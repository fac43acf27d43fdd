"""NN Playground's server: a FastAPI app that trains `engine` networks and streams frames."""

__version__ = "0.1.0"
"""The package's version, written only here (pyproject.toml reads it when building)."""
