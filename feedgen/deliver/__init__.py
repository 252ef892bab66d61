"""Delivery: send the last published build in output/ to the platforms (see docs/DESIGN.md)."""
