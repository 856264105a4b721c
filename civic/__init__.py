"""civic: Chinese local-newspaper pages about civic campaigns, turned into tables."""

__all__ = ["__version__"]

__version__ = "0.1.0"
