"""Dispatch: where a new ticket goes and who works it (procedure 003).

The app owns the routing rules (ordered conditions on product, component, type,
organisation, channel, mailbox and keywords that put a new ticket in a group and tier;
unmatched tickets go to the triage queue), the rotas (the agent on duty who triages, and the
emergency line's on-call agent, each with its hours and phone number) and the automatic
assignment inside a group (round robin or least loaded among available members).

Pure modules: ``routing`` (first matching rule), ``rotation`` (who is on duty at an instant,
who next, the next hand-over), ``opening_hours`` (a calendar's hours as lines of days).
Public services (``services``): ``route`` and ``dispatch``, decisions that
``tickets.services.open_ticket`` records in its transaction (this app writes no ticket and
no event); ``pick_agent`` (round robin or least loaded, under a lock); ``duty_board`` (who
is on duty now and next) for pages and the API.
"""
