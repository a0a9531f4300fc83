"""Benchmarks: scripts that time things (not tests). See README.md."""
