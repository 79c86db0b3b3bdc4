"""Agent workloads: roles in YAML, the per-step engine, what-ifs and table editing."""
