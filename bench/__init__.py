"""Benchmarks that print figures (`python -m bench.<name> --help`); never timed assertions in tests."""
