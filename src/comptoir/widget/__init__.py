"""The help button ("?") a customer's site embeds with one script tag (procedure 000: "once
signed in to your site's back office, click the question mark"): a floating button opens a
panel whose content is a Comptoir page in an iframe, to search the guide and open a ticket.

The host site vouches for the person with a JWT signed with the site's secret
(``identity``); without one, the panel asks for a name and an address and goes through the
contact form's checks (mailed confirmation, spam guard, rate limits).

Owns ``Site`` (an embedding site: key, secret, allowed origins). Public services
(``services``): ``site_for_key``, ``check_origin``, ``identify``, ``open_session``,
``read_session``, ``open_ticket``, ``send_contact``. Pure modules: ``identity`` (JWT HS256
``verify``/``sign``) and ``origins``.
"""
