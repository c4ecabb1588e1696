"""Campaigns (procedures 004 and 000): notice templates, contact lists imported from CSV
(each import a dated version), audiences, and campaigns sent in rate-limited batches,
outage notices and newsletters alike.

Public services: ``imports.create_list``, ``imports.upload``, ``imports.run_import``;
``services.create_campaign``, ``services.send_test``, ``services.start``,
``services.schedule``, ``services.send_end_notice``, ``services.unsubscribe``;
the worker is ``sending.run``.
"""
