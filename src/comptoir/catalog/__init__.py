"""Catalog: products and their components, and the support groups (teams at a tier)."""
