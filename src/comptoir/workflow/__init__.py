"""Workflow: the automations that run a support team's routine (procedures 002 and 003).

Public jobs (``automations``): ``remind_pending`` (the requester is reminded after N, then
M business days), ``resolve_silent`` (still no answer: resolved and told),
``close_resolved`` (resolved for 5 business days without reaction: closed). Each is a
periodic task, idempotent, and leaves its trace in the ticket's history.

The review of open requests (procedure 003: « afin qu'aucune demande ne reste sans
réponse »): ``digest.build`` (unanswered, SLA breached or due soon, blocking, without
activity; per group and assignee), ``digest_delivery.send_due`` (the periodic job: once per
schedule, scope and day) and ``digest_delivery.send_now`` (the desk's "send now").
"""
