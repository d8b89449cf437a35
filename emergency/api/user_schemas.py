"""Users as a person types them in: the console's people pages load their forms with these."""
from marshmallow import Schema, fields, validate

from emergency.api.fields import MobileNumber, Name, Text
from emergency.users.roles import ROLES


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = Text(required=True, max_length=80, required_text=True,
                    metadata={"description": "Letters, digits, dots, dashes and underscores"})
    full_name = Name(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    mobile = MobileNumber(allow_none=True, load_default=None,
                          metadata={"description": "Where alerts such as rota gaps are texted"})
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254))
    active = fields.Boolean(dump_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "username" in self.fields:
            self.fields["username"].validators.append(validate.Regexp(
                r"^[A-Za-z0-9._-]+$", error="use only letters, digits, dots, dashes and underscores"))


class TokenRequestSchema(Schema):
    label = Text(required=True, max_length=100, required_text=True, metadata={"example": "reporting laptop"})
