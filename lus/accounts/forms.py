from django import forms
from django.utils.translation import gettext_lazy as _

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
