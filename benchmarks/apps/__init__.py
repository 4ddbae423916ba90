"""One WSGI app per contestant, all answering the same scenarios.

The contract is in :mod:`benchmarks.apps.common`.
"""
