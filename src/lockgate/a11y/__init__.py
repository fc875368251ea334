"""Accessibility checks of a running service in a real browser (the `accessibility` stage's engine).

`interface` holds the values passed between the modules; `audit.audit` is the entry point.
"""
