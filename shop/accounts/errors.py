from flask_babel import lazy_gettext as _l

from shop.errors import Conflict, DomainError, Unauthorized, unique_conflict


@unique_conflict("users", "email")
class EmailTaken(Conflict):
    code = "email_taken"
    title = _l("An account with this e-mail address already exists.")


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    title = _l("The e-mail address or password is wrong.")


class TooManyAttempts(DomainError):
    code = "too_many_login_attempts"
    status = 429
    title = _l("Too many failed sign-in attempts. Try again later.")
    detail = _l("Try again in %(minutes)s minutes.")


class InvalidToken(Unauthorized):
    code = "invalid_token"
    title = _l("The access token is missing, expired or revoked.")


class WeakPassword(DomainError):
    code = "weak_password"
    status = 422
    title = _l("The password is too weak.")
    detail = _l("Use at least %(min)s characters.")
