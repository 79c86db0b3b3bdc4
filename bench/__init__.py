"""Benchmarks (not tests): run them all with `make bench` (bench/run.py)."""
