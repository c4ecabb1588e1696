"""Satisfaction: the requester's opinion after a resolution (procedure 003: 8 days to give
it).

Owns the Survey model (one invitation per resolution, its token stored hashed, the
rating 1–5 and comment). Public services (``services``): ``invite`` (called by the
resolution, in its transaction: the link goes in the resolution mail) and ``answer``
(from the mail link or the portal; a bad rating mails the group's supervisor). Rules
(pure): ``rules``. Reads: ``selectors``; pages show a ticket's surveys from its history
(template tags ``satisfaction``).
"""
