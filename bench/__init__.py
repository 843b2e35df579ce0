"""Benchmarks: ZoneGraph against its peers on synthetic data (`make bench`)."""
