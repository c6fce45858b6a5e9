"""Configuration: config files found upward, the per-file policy, globs, inline suppressions
and rule selectors."""
