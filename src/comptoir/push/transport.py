"""The outbox transport of ``push`` rows: encrypts the notification for the device
(RFC 8291, aes128gcm), signs the request with the server's VAPID key (RFC 8292) and POSTs it
to the device's push service, through pywebpush.

Answers: 201/202 delivered; 404 or 410, the subscription is gone (the device unsubscribed,
the browser was reset): it is deleted and the row fails for good; 429, 5xx and network
errors are retried by the outbox; other 4xx are permanent. A row whose subscription was
removed before delivery (the person stopped the notifications) is done without sending.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import requests
from pywebpush import WebPushException, webpush

from comptoir.core.clock import now as clock_now
from comptoir.core.transports import PermanentDeliveryError, TransientDeliveryError, Transport
from comptoir.push import keys
from comptoir.push.models import PushSubscription

GONE = frozenset({404, 410})
RETRY = frozenset({408, 425, 429})


class WebPushTransport(Transport):
    timeout: ClassVar[float] = 10.0
    # How long the push service keeps a message for a device that is switched off.
    ttl: ClassVar[int] = 4 * 24 * 3600

    def deliver(self, payload: dict[str, Any]) -> None:
        subscription = PushSubscription.objects.filter(pk=payload["subscription"]).first()
        if subscription is None:
            return  # opted out since: nothing to send
        pair = keys.key_pair()
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=json.dumps(payload["notification"], ensure_ascii=False),
                vapid_private_key=pair.signer(),
                vapid_claims={"sub": keys.subject()},
                content_encoding="aes128gcm",
                ttl=self.ttl,
                timeout=self.timeout,
                headers={"Urgency": "high"},
            )
        except WebPushException as exc:
            status = exc.status_code
            if status in GONE:
                PushSubscription.objects.filter(pk=subscription.pk).delete()
                raise PermanentDeliveryError(f"HTTP {status}: the subscription is gone") from exc
            if status is None or status >= 500 or status in RETRY:
                raise TransientDeliveryError(f"push service: {exc.message}") from exc
            raise PermanentDeliveryError(f"push service: {exc.message}") from exc
        except (requests.RequestException, OSError) as exc:
            raise TransientDeliveryError(f"push service unreachable: {exc}") from exc
        PushSubscription.objects.filter(pk=subscription.pk).update(last_used_at=clock_now())
