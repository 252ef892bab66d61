"""feedgen: one product catalogue in, per-market marketplace feeds and landing pages out."""

__version__ = "0.1.0"
