"""The `lapor-tppo` command line."""
