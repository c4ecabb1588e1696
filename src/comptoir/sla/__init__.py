"""SLA: policies, their targets and the clocks that measure each ticket against them.

- ``clocks`` (pure): a ticket's facts (status history, replies, pick-up, escalations) and
  a policy give each clock's state — started, due, paused business time, met or breached,
  or handed over to another tier. Always recomputed from the history, never a running
  counter, so a recomputation agrees with the past.
- ``matching`` (pure): the first policy, in order, whose conditions the ticket meets.
- ``services``: the clocks a ticket's history implies (``facts_of`` reads the milestones of
  ``comptoir.tickets.history``), stored by the ticket services' writer in their transaction;
  ``scan.mark_breaches`` (the tickets whose clocks fell due are re-derived under lock) and
  ``scan.send_warnings``, run every minute. The calendars come from the contracts
  (``comptoir.accounts.contracts``).
"""
