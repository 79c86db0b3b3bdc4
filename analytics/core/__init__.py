"""The domain: the registry's schema and loading, prices, tiers, scores, the frontier and the tables built from them.
Pure: pydantic, yaml, numpy and pandas only; every other package builds on this one."""
