"""Portal: the requester's pages (open, list, read and answer tickets). Edges only."""
