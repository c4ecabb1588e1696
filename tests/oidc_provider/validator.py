"""The claims the test provider gives: names, the address, and whether it verified it
(people in the "unverified" group: ``email_verified`` false)."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    def get_additional_claims(self, request):  # type: ignore[no-untyped-def]
        user = request.user
        return {
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "preferred_username": user.username,
            "email": user.email,
            "email_verified": not user.groups.filter(name="unverified").exists(),
        }
