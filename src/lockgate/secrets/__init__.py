"""Secret detection for the `secrets` stage and the git hooks: rules, engines, merging, redaction."""
