"""Benchmarks, one script per figure (see each script's docstring); a package so that
scripts can share helpers (bench.load) and type checking names each module once."""
