"""The public contact form (procedure 002: tool, e-mail, phone, contact form): people
without an account write to the support team; the address is confirmed by mail before the
ticket exists (an existing account is matched), eligibility applies, and a spam guard that
needs no third-party service and rate limits keep the desk clean.

Public services (``services``): ``submit_contact``, ``confirm_contact``. The spam rules are
the pure module ``guard``.
"""
