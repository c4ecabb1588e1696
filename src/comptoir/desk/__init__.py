"""Desk: the support team's pages (queue, ticket page and its actions). Edges only."""
