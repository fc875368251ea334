"""SAST engines behind the `sast` stage: lockgate's own semgrep rules, bandit and checkov adapters."""
