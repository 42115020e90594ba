"""paramtui: how big an AI model is, what it costs to train and run, and where it fits."""

__version__ = "0.1.0"
