"""The pieces of the pandas baseline: one module per indicator family (indicators-v1)."""
