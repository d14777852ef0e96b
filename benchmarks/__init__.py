"""Benchmarks of normgraph: synthetic data, the query mix, the endpoint against the engine in-process."""
