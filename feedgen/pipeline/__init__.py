"""Pipeline: the build from top to bottom (build.py), one market's work (market_build.py), markets in
worker processes (parallel.py), reuse of unchanged outputs (incremental.py), and the dry runs the
commands offer (rules_check.py, serve.py)."""
