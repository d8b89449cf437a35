"""Bearer-token login and role checks for the API."""
from functools import wraps

from flask import g, request
from flask_smorest import abort

from emergency.users.service import user_for_token

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="carers-emergency-line"'}


def authenticate():
    """before_request of every API blueprint: no valid token, no entry."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        abort(401, message="log in: send your API token as 'Authorization: Bearer <token>'", headers=_CHALLENGE)
    user = user_for_token(token)
    if user is None:
        abort(401, message="this API token is unknown or revoked, or its user is inactive", headers=_CHALLENGE)
    g.user = user


def requires_role(*roles):
    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if g.user.role not in roles:
                abort(403, message=f"a {g.user.role} may not do this; it needs the role {' or '.join(roles)}")
            return view(*args, **kwargs)

        return checked

    return decorator


def current_user():
    return g.user
