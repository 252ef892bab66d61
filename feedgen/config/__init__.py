"""Reading the project's configuration files (markets, rules, landing pages, mapping, categories, delivery)."""
