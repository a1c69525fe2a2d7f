"""The reminder settings page, and the endpoints its script uses to add or forget this device."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.jobs.notices import language_of
from attune.web.reminders import actions, vapid
from attune.web.reminders.forms import ReminderForm
from attune.web.reminders.models import Channel, PushSubscription, ReminderPreference


@signed_in("GET", "POST")
def settings_view(request: AuthedRequest) -> HttpResponse:
    pref = ReminderPreference.objects.filter(user=request.user).first() or ReminderPreference(user=request.user)
    form = ReminderForm(request.POST if request.method == "POST" else None, instance=pref)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.user = request.user
        saved.language = language_of(request)
        saved.save()
        messages.success(request, _("Saved.") if saved.channel != Channel.NONE else _("Saved: no reminders."))
        return redirect("reminders:settings")
    devices = PushSubscription.objects.filter(user=request.user).count()
    context = {
        "form": form,
        "pref": pref,
        "devices": devices,
        "push_data": {
            "publicKey": vapid.public_key_b64(),
            "addUrl": reverse("reminders:add_device"),
            "forgetUrl": reverse("reminders:forget_devices"),
            # What the page's script says, in the member's language.
            "words": {
                "notAllowed": _(
                    "Notifications are not allowed on this device, and that is fine. "
                    "An e-mail is another way, if you like."
                ),
                "ready": _(
                    "This device can now show a reminder. Choose “A notification on my device” above "
                    "and save, if that is what you want."
                ),
                "failed": _("We couldn't set up notifications here: %(reason)s"),
            },
        },
    }
    return render(request, "reminders/settings.html", context, status=400 if form.errors else 200)


@signed_in("POST")
def add_device(request: AuthedRequest) -> JsonResponse:
    """This browser's push subscription (its ``toJSON()``), posted by the page's script."""
    try:
        body = json.loads(request.body or b"{}")
        endpoint, keys = str(body["endpoint"]), body["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"ok": False, "error": _("That is not a push subscription.")}, status=400)
    try:
        actions.add_device(request.user, endpoint, p256dh, auth)
    except actions.BadSubscription as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return JsonResponse({"ok": True, "devices": request.user.push_subscriptions.count()})


@signed_in("POST")
def forget_devices(request: AuthedRequest) -> HttpResponse:
    """Forget every device of the member's: no notification goes anywhere until one is added again."""
    PushSubscription.objects.filter(user=request.user).delete()
    messages.success(request, _("No device will show attune's notifications now."))
    return redirect("reminders:settings")
