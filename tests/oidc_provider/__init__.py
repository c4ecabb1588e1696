"""A real OpenID Connect provider for the single sign-on tests: a small Django project with
django-oauth-toolkit's OIDC provider (RS256 key generated at each start), run as its own
process on a free port of 127.0.0.1 (``process.OidcProvider``). Its people are in
``people.PEOPLE``."""
