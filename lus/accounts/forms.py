from django import forms
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from lus.accounts.models import User
from lus.tenants.scoping import unscoped

MAX_CSV_BYTES = 5 * 1024 * 1024


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, name, job_title, org_unit, manager_email, birth_date, is_hr. "
            "Separated by semicolon or comma, UTF-8."
        ),
    )
    deactivate_missing = forms.BooleanField(
        label=_("The file lists everyone: deactivate people who are not in it"),
        required=False,
        help_text=_(
            "Leavers are deactivated with today's date as the day they left, never deleted. "
            "You see every change before it is applied."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        return upload


# --- people in the admin --------------------------------------------------------------------------
def username_taken(username: str, *, exclude_pk: int | None = None) -> bool:
    """Whether any person, in any municipality, has this username (case-insensitive)."""
    with unscoped("admin: usernames are unique across municipalities"):
        qs = User._base_manager.filter(username__iexact=username)
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        return qs.exists()


#: One answer whoever holds the name — a colleague, a person of another municipality, or a
#: reserved name — so HR never learns whether a name exists elsewhere.
USERNAME_UNAVAILABLE = _("This username cannot be used. Choose another one.")


class _PersonFormMixin:
    """What the add and change forms of a person share: the uniform username answer, and the
    municipality known before validation (so the per-municipality e-mail rule is checked as a
    form error, never as a database error)."""

    #: The logged-in user, set per request by the admin's ``get_form``.
    acting_user = None

    def clean_username(self):
        username = self.cleaned_data.get("username")
        if username and username_taken(username, exclude_pk=self.instance.pk):
            raise forms.ValidationError(USERNAME_UNAVAILABLE, code="unavailable")
        return username

    def clean(self):
        cleaned = super().clean()
        actor = self.acting_user
        if self.instance.municipality_id is None and actor is not None and actor.municipality_id:
            self.instance.municipality_id = actor.municipality_id
        return cleaned

    def validate_unique(self):
        # The username was checked across municipalities above (the model's own check only
        # sees the current municipality and would answer differently).
        exclude = self._get_validation_exclusions()
        exclude.add("username")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as e:
            self._update_errors(e)


class PersonCreationForm(_PersonFormMixin, forms.ModelForm):
    """A new person, without a password: nobody but the person ever sets one."""

    send_password_link = forms.BooleanField(
        label=_("E-mail the person a link to set a password"),
        required=False,
        initial=True,
        help_text=_(
            "Only where the municipality uses passwords. Where it logs in with its own "
            "login (SSO), the person logs in with that."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "name", "email"]

    def save(self, commit=True):
        person = super().save(commit=False)
        person.set_unusable_password()
        if commit:
            person.save()
        return person


class PersonChangeForm(_PersonFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        # The admin passes the fields of its fieldsets; none here that need a query at import
        # (a related field's queryset needs a municipality scope).
        fields = ["username"]

    def clean_manager(self):
        manager = self.cleaned_data.get("manager")
        actor = self.acting_user
        if (
            manager is not None
            and actor is not None
            and manager.pk == actor.pk
            and self.instance.manager_id != actor.pk
        ):
            # Separation of duties: who edits the hierarchy never gains access from it.
            raise forms.ValidationError(
                _(
                    "You cannot make yourself a person's leader's leader. Ask a colleague "
                    "in HR to make the change."
                ),
                code="self_appointment",
            )
        return manager
