"""Print the current TOTP code for a base32 secret: `python -m portal.totp SECRET` (demo convenience)."""

import sys
from base64 import b32decode

from django_otp.oath import totp


def current_code(secret: str) -> str:
    """The code an authenticator app shows now (30-second steps, six digits, as TOTPDevice defaults)."""
    return f"{totp(b32decode(secret), step=30, digits=6):06d}"


if __name__ == "__main__":
    sys.stdout.write(current_code(sys.argv[1]) + "\n")
