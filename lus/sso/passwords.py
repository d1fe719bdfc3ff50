"""Passwords are set by the person only, through a one-time link sent to their own e-mail.

Nobody else ever sets or learns a password: HR (and the platform admin) can only *send* the
link (``password_link_send``); the admin's "change password" page for another person is closed
(``lus.accounts.admin``). Where the municipality logs in through its own identity provider only,
there is no password at all: no link is sent and an old link does nothing. Django's token
generator makes the link single-use (it hashes the current password, last login and e-mail:
setting a password, logging in or changing the e-mail invalidates it) and it expires after
``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from lus.accounts.models import User
from lus.audit.models import AuditEvent
from lus.audit.services import audit_record
from lus.sso.selectors import password_login_allowed
from lus.tenants.scoping import unscoped


def password_link_send(*, person: User, actor: User) -> None:
    """E-mail ``person`` a link to set their own password (audited in their log)."""
    if person.is_superuser and not actor.is_superuser:
        raise ValidationError(_("Only platform administrators can send this to a platform admin."))
    if not person.is_active:
        raise ValidationError(_("%(name)s is not active.") % {"name": person.name})
    if not person.email:
        raise ValidationError(_("%(name)s has no e-mail address.") % {"name": person.name})
    if not password_login_allowed(person.municipality_id):
        raise ValidationError(
            _("%(name)s's municipality logs in with its own login only: there are no passwords.")
            % {"name": person.name}
        )
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    context = {
        "person": person,
        "actor": actor,
        "link": settings.LUS_BASE_URL.rstrip("/") + reverse("password_set", args=[uid, token]),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("registration/email/password_link_subject.txt", context)
        body = render_to_string("registration/email/password_link.txt", context)
    send_mail(subject.strip(), body, None, [person.email])
    audit_record(
        actor=actor,
        action="send_password_link",
        target=person,
        subject=person,
        category=AuditEvent.Category.CHANGE,
        detail=_("Link to set a password sent to %(email)s") % {"email": person.email},
    )


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The person sets their password from the link (Django's reset confirmation, with the
    user looked up before any municipality is known, and no link where passwords are off)."""

    template_name = "registration/password_set.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def get_user(self, uidb64):
        try:
            uid = urlsafe_base64_decode(uidb64).decode()
            with unscoped("password link: the person the link was sent to"):
                user = User._default_manager.select_related("municipality").get(pk=int(uid))
        except (TypeError, ValueError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
            return None
        if not user.is_active or not password_login_allowed(user.municipality_id):
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been set. Log in with it now."))
        return response
