"""dpo-tui: terminal casework for data subject rights requests."""

__version__ = "0.1.0"
