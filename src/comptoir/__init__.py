"""Comptoir: the help desk."""
