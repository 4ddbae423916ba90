"""Benchmarks of httpx_views against the hand-written floor and its peers.

See ``benchmarks/README.md``: ``run.py`` measures in-process, ``e2e.py``
under Waitress driven by ``wrk``.
"""
