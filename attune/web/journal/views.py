"""Journal views. A member's entries are theirs alone; a guide sees only what was shared with them.

Every view loads entries through one of two helpers: :func:`_get_entry_for_user` (the member's
own entry) and :func:`_get_shared_entry_for_guide` (an entry shared with the signed-in guide).
Anything else is a 404, so nobody can tell whether someone else's entry exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.accounts.relations import guides_for, members_for
from attune.web.journal import actions
from attune.web.journal.forms import EntryForm, SearchForm, ShareForm
from attune.web.journal.models import JournalEntry

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from attune.web.accounts.models import User

PAGE_SIZE = 50


def _get_entry_for_user(request: AuthedRequest, pk: int) -> JournalEntry:
    """The entry ``pk`` if it belongs to the signed-in member; 404 for anyone else."""
    return get_object_or_404(JournalEntry, pk=pk, user_id=request.user.pk)


def _get_shared_entry_for_guide(request: AuthedRequest, pk: int) -> JournalEntry:
    """The entry ``pk`` if it is shared with the signed-in guide and its member is still in their group."""
    if not request.user.is_guide:
        raise Http404
    return get_object_or_404(
        JournalEntry.objects.select_related("user"),
        pk=pk,
        shared_with_id=request.user.pk,
        user__in=members_for(request.user),
    )


@login_required
def entry_list(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    own = JournalEntry.objects.owned_by(request.user).select_related("shared_with")
    context: dict[str, object] = {"form": form, "query": query}
    if query:
        result = own.search(query)
        context.update(entries=result.entries, result=result)
    else:
        entries = list(own[: PAGE_SIZE + 1])
        context.update(entries=entries[:PAGE_SIZE], more=len(entries) > PAGE_SIZE)
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "journal/list.html", context, status=status)


@signed_in("GET", "POST")
def new(request: AuthedRequest) -> HttpResponse:
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = actions.write_entry(request.user, body=form.cleaned_data["body"], title=form.cleaned_data["title"])
        messages.success(request, _("Saved. Only you can read it."))
        return redirect("journal:detail", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/form.html", {"form": form, "mode": "new"}, status=status)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    guides = _other_guides(request, entry)
    context = {"entry": entry, "share_form": ShareForm(guides=guides), "has_guides": guides.exists()}
    return render(request, "journal/detail.html", context)


def _other_guides(request: AuthedRequest, entry: JournalEntry) -> QuerySet[User]:
    """The guides this entry could be shared with now: never the one it is already shared with."""
    guides = guides_for(request.user)
    return guides.exclude(pk=entry.shared_with_id) if entry.shared_with_id else guides


@signed_in("GET", "POST")
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    initial = {"title": entry.title, "body": entry.text}
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.update_entry(entry, body=form.cleaned_data["body"], title=form.cleaned_data["title"])
        messages.success(request, _("Your entry is updated."))
        return redirect("journal:detail", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/form.html", {"form": form, "mode": "edit", "entry": entry}, status=status)


@signed_in("GET", "POST")
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    if request.method == "POST":
        actions.delete_entry(entry)
        messages.success(request, _("That entry is deleted."))
        return redirect("journal:list")
    return render(request, "journal/confirm_delete.html", {"entry": entry})


@signed_in("POST")
def share(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    guides = guides_for(request.user)
    form = ShareForm(request.POST, guides=guides)
    if form.is_valid():
        guide = form.cleaned_data["guide"]
        try:
            actions.share_entry(entry, guide)
        except actions.NotYourGuide:
            form.add_error("guide", _("You can share only with a guide whose group you are in."))
        else:
            shared = _("Shared with %(name)s. You can take it back at any time.") % {"name": guide.name}
            messages.success(request, shared)
            return redirect("journal:detail", pk=entry.pk)
    context = {"entry": entry, "share_form": form, "has_guides": _other_guides(request, entry).exists()}
    return render(request, "journal/detail.html", context, status=400)


@signed_in("POST")
def unshare(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_user(request, pk)
    if entry.is_shared:
        actions.unshare_entry(entry)
        messages.success(request, _("Taken back. Only you can read it now."))
    return redirect("journal:detail", pk=entry.pk)


@login_required
def shared(request: AuthedRequest) -> HttpResponse:
    """For a guide: the entries members chose to share with them, newest share first."""
    if not request.user.is_guide:
        raise Http404
    entries = list(
        JournalEntry.objects.filter(shared_with_id=request.user.pk, user__in=members_for(request.user))
        .select_related("user")
        .order_by("-shared_at", "-pk")
    )
    actions.record_shared_list_viewed(request, request.user, entries)
    return render(request, "journal/shared_list.html", {"entries": entries})


@login_required
def shared_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = _get_shared_entry_for_guide(request, pk)
    actions.record_shared_entry_opened(request, request.user, entry)
    return render(request, "journal/shared_detail.html", {"entry": entry})
