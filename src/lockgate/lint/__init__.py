"""The lint stage's engine: one module per linter (`interface.Linter`), listed in `registry.py`."""
