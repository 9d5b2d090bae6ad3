"""Pluggable text-message senders, chosen by settings.SMS_SENDER (like Django's email backends).

The development sender writes to the log (as Django's console email backend prints); the locmem sender keeps
messages in `outbox` for tests; production plugs in the operator's gateway class with the same `send` method.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from registry.crypto import mask_phone

logger = logging.getLogger("portal.sms")


@dataclass(frozen=True)
class Message:
    phone: str
    text: str


outbox: list[Message] = []


class ConsoleSender:
    """Development: the message goes to the log, the phone number masked."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class LocmemSender:
    """Tests: messages are kept in portal.sms.outbox."""

    def send(self, phone: str, text: str) -> None:
        outbox.append(Message(phone, text))


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_SENDER)().send(phone, text)
