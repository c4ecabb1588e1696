"""Outages (procedure 004): services and their current state, outages with their public
updates, the status page, the team-chat announcements, and the tickets an outage causes.
"""
