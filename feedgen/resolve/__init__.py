"""Resolve: one market's offers from the loaded catalogue (prices, tax, sizes, language, links,
shipping, returns; rules.toml per channel; the price history the 30-day reference reads)."""
