"""Performance benchmarks: figures are measured and printed by `python -m bench.run_all`, never asserted."""
