"""Accounts: organisations (customers and their contracts) and users with their roles.

Public reads: ``contracts`` (each organisation's business calendar, monthly allowance and
language, cached per process), ``roles`` (what a role may do in general), ``eligibility`` (which of an
organisation's people may open tickets, procedure 002). Per-ticket rights live in
``comptoir.tickets.permissions``. ``logins`` (pure) builds logins by the organisation's
naming rule. Public services (``services``, procedure 000): ``invite_user`` (account and
invitation mail to choose a password), ``set_org_role``, ``deactivate_user``,
``reactivate_user``, ``resend_invitation``. Sign-in security: ``second_factor`` (pure: who
must enrol a second factor before working), ``security`` (the administrator's policy,
``set_mfa_requirement``, and ``must_enrol(user)``, read by ``middleware``). Single sign-on
(``sign_on``, rules in the pure ``sign_on_rules``): ``configure_sign_on`` (an
organisation's OpenID Connect provider), ``provider_for_address``, ``check_answer``,
``create_person``.
"""
