"""Workflow: the automations that run a support team's routine (procedures 002 and 003).

Public jobs (``automations``): ``remind_pending`` (the requester is reminded after N, then
M business days), ``resolve_silent`` (still no answer: resolved and told),
``close_resolved`` (resolved for 5 business days without reaction: closed). Each is a
periodic task, idempotent, and leaves its trace in the ticket's history.
"""
