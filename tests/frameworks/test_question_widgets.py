"""The widgets' repeated controls rendered in Python: the answer checked, read-only when it
cannot be changed, the scale's end words read out, every text escaped."""

from types import SimpleNamespace

from django.template import Context, Template

WIDGETS = Template(
    "{% load question_widgets %}{% scale_values q can_edit %}|{% choice_options q can_edit %}"
    "|{% keyword_options q can_edit %}"
)


class _Options(list):
    def all(self):
        return self


def _question(**kw):
    defaults = dict(
        pk=7,
        scale_values=range(1, 6),
        scale_min_label="Slet ikke",
        scale_max_label="<b>Helt</b>",
        current=["3", "11"],
        options=_Options(
            [
                SimpleNamespace(pk=11, label="Tillid & ro", description="Om <tillid>"),
                SimpleNamespace(pk=12, label="Mod", description=""),
            ]
        ),
    )
    return SimpleNamespace(**{**defaults, **kw})


def _render(q, can_edit=True) -> list[str]:
    return WIDGETS.render(Context({"q": q, "can_edit": can_edit})).split("|")


def test_scale_values_check_the_answer_and_read_out_the_ends():
    scale, _choice, _keywords = _render(_question())
    assert scale.count('type="radio" name="q-7"') == 5
    assert 'id="q-7-3" value="3" checked>' in scale
    assert scale.count(" checked") == 1 and " disabled" not in scale
    first, last = scale.split("</span>\n")[0], scale.split("</span>\n")[4]
    assert '<span class="visually-hidden"> \N{EN DASH} Slet ikke</span>' in first
    assert "&lt;b&gt;Helt&lt;/b&gt;" in last and "<b>" not in scale
    assert '<label class="btn btn-outline-primary" for="q-7-2">2</label>' in scale


def test_read_only_and_unanswered():
    scale, choice, keywords = _render(_question(current=None), can_edit=False)
    for html in (scale, choice, keywords):
        assert " checked" not in html
        assert html.count(" disabled") == html.count("<input")


def test_choice_and_keyword_options_escape_and_describe():
    _scale, choice, keywords = _render(_question())
    assert 'id="q-7-11" value="11" checked aria-describedby="q-7-11-desc">' in choice
    assert '<div class="form-text mt-0" id="q-7-11-desc">Om &lt;tillid&gt;</div>' in choice
    assert "Tillid &amp; ro" in choice and 'id="q-7-12-desc"' not in choice
    assert 'type="checkbox" name="q-7" id="q-7-11" value="11" checked>' in keywords
    assert 'title="Om &lt;tillid&gt;">Tillid &amp; ro</label>' in keywords
