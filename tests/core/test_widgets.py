"""PlainSelect renders what Django's Select renders (name, attributes, options, the selected
one, escaping), without a template per option."""

import re

from django import forms

from lus.core.widgets import PlainSelect


class _Form(forms.Form):
    colour = forms.ChoiceField(
        choices=[("", "Alle"), ("a", "Rød & grøn"), ("b", '<script>"x"</script>')],
        required=False,
        widget=PlainSelect(attrs={"class": "form-select"}),
    )


def test_renders_options_with_the_chosen_one_selected():
    html = str(_Form({"colour": "a"})["colour"])
    opening = html.split(">", 1)[0]
    for attribute in ('name="colour"', 'class="form-select"', 'id="id_colour"'):
        assert attribute in opening
    assert '<option value="">Alle</option>' in html
    assert '<option value="a" selected>Rød &amp; grøn</option>' in html
    assert "&lt;script&gt;&quot;x&quot;&lt;/script&gt;" in html
    assert "<script>" not in html


def test_same_options_as_djangos_select():
    plain = _Form({"colour": "b"})["colour"]
    django_select = forms.Select(choices=plain.field.choices)
    ours = plain.field.widget.render("colour", "b")
    theirs = django_select.render("colour", "b")

    # Same options in the same order with the same selection (whitespace aside).
    def opts(s):
        return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', s)

    assert opts(ours) == opts(theirs)
