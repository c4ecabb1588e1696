"""Admission: requests that are kept instead of opened (procedures 000 and 002).

A request from someone their organisation does not let open tickets (eligibility), or one
beyond the monthly allowance under the "approval" policy, is kept as a ``HeldRequest``:
nothing is lost, the person is told why (page or mail), and the support team decides.

Public services (``services``): ``submit`` (what every edge calls to open a ticket: a
``Ticket``, or the ``HeldRequest`` it became), ``hold``, ``approve`` (opens the ticket as of
the original time), ``refuse`` (the requester is told why), ``dismiss``. Reads:
``selectors.waiting_counts`` (the desk's badge), ``selectors.held_for``.
"""
