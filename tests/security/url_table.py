"""THE declared expectations for every URL of LUS (one table; see docs/security.md).

``tests/security/test_url_matrix.py`` walks the URLconf and calls every URL as each role with
GET and POST. A URL name that is missing here fails that test. To add a view:

1. add a row to ``URLS`` (app views) or a policy to ``ADMIN_MODELS`` (a new ModelAdmin);
2. if the URL has a kwarg name no provider knows yet, add a provider to
   ``tests/security/providers.py``.

Expectations are written for an object *of the leader* (kind "own"). The test derives the
other cases: for another leader's object the roles swap (other_leader plays "leader"); for a
foreign municipality's object every home role must get 404 and foreign HR gets what HR gets.

Outcome tokens: an HTTP status (200, 400, 403, 404, 405, 204), ``LOGIN`` (redirect to a login
page) or ``REDIRECT`` (any other 3xx). A value may be a set of accepted tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOGIN = "login"
REDIRECT = "redirect"

ANONYMOUS = "anonymous"
LEADER = "leader"
OTHER_LEADER = "other_leader"
LEADERS_LEADER = "leaders_leader"
OTHER_LEADERS_LEADER = "other_leaders_leader"
HR = "hr"
FOREIGN_HR = "foreign_hr"
ROLES = [ANONYMOUS, LEADER, OTHER_LEADER, LEADERS_LEADER, OTHER_LEADERS_LEADER, HR, FOREIGN_HR]
USERS = [r for r in ROLES if r != ANONYMOUS]


def E(default, **by_role):
    """Expected outcome per role: ``default`` for every role not named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


@dataclass(frozen=True)
class Row:
    get: dict
    post: dict
    #: kwarg name -> provider name, when the kwarg name alone is ambiguous (e.g. "pk").
    providers: dict = field(default_factory=dict)
    #: False for views that answer without looking the object up (so cannot leak it).
    object_lookup: bool = True
    #: True for autosaving forms that keep the valid part of a partly invalid body and
    #: answer 422 with the errors (so a typo in one field never loses the other answers).
    saves_valid_part: bool = False


# --- app views -------------------------------------------------------------------------------
URLS: dict[str, Row] = {
    "home": Row(get=E(200, anonymous=LOGIN), post=E(405, anonymous=LOGIN)),
    "healthz": Row(get=E(200), post=E(405)),
    "readyz": Row(get=E(200), post=E(405)),
    "login": Row(get=E(REDIRECT, anonymous=200), post=E(REDIRECT, anonymous=200)),
    "logout": Row(get=E(405), post=E(LOGIN)),
    "set_language": Row(get=E({REDIRECT, 204}), post=E({REDIRECT, 204})),
    # lus.audit: "who has seen my LUS" (always the user's own log)
    "audit:my_log": Row(get=E(200, anonymous=LOGIN), post=E(405, anonymous=LOGIN)),
    # lus.orchestration: the person's own data (always their own)
    "orchestration:my_data": Row(get=E(200, anonymous=LOGIN), post=E(405, anonymous=LOGIN)),
    "orchestration:my_data_download": Row(
        get=E(200, anonymous=LOGIN), post=E(405, anonymous=LOGIN)
    ),
    # lus.conversations: only the leader and their leader see a conversation (everyone else
    # 404). Only the leader prepares in the test world's framework, so the leader's leader
    # gets 403 on the preparation. POSTs without a form: 400 (no revision), 422 (share with
    # mandatory questions unanswered).
    "conversations:detail": Row(
        get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
        post=E(405, anonymous=LOGIN),
        providers={"pk": "conversations.conversation"},
    ),
    "conversations:prepare": Row(
        get=E(404, anonymous=LOGIN, leader=200, leaders_leader=403),
        post=E(404, anonymous=LOGIN, leader=400, leaders_leader=403),
        providers={"pk": "conversations.conversation"},
        saves_valid_part=True,
    ),
    # lus.conversations, the leader's leader's side: "Mine ledere" (everyone sees their own
    # reports, possibly none), creating a report's LUS (only their own leader's leader; 409
    # when it exists already), tailoring the team's questions (only who has reports; an empty
    # POST is 400) and the invitation (only the leaders_leader; the leader sees the LUS: 403).
    "conversations:my_leaders": Row(get=E(200, anonymous=LOGIN), post=E(405, anonymous=LOGIN)),
    "conversations:create_for_report": Row(
        get=E(405, anonymous=LOGIN),
        post=E(404, anonymous=LOGIN, leaders_leader={REDIRECT, 409}),
        providers={"leader_pk": "accounts.user"},
    ),
    "conversations:customise": Row(
        get=E(403, anonymous=LOGIN, leaders_leader=200, other_leaders_leader=200),
        post=E(403, anonymous=LOGIN, leaders_leader=400, other_leaders_leader=400),
    ),
    "conversations:invite": Row(
        get=E(404, anonymous=LOGIN, leader=403, leaders_leader=200),
        post=E(404, anonymous=LOGIN, leader=403, leaders_leader=400),
        providers={"pk": "conversations.conversation"},
    ),
    # lus.frameworks: HR's preview of a framework version as a leader sees it (HR only).
    "frameworks:preview": Row(
        get=E(404, anonymous=LOGIN, hr=200),
        post=E(405, anonymous=LOGIN),
        providers={"pk": "frameworks.frameworkversion"},
    ),
    # The leader answers a proposal to hand their LUS over (everyone else 404; an empty POST
    # is 400: accept or decline).
    "handover:answer": Row(
        get=E(404, anonymous=LOGIN, leader=200),
        post=E(404, anonymous=LOGIN, leader=400),
        providers={"pk": "rounds.leadersleaderhandover"},
    ),
    # A person sets their own password from a one-time link; a wrong link shows "no longer
    # valid" to everyone (no lookup that could leak: the person is never named).
    "password_set": Row(get=E(200), post=E(200), object_lookup=False),
    # "Check your answers" before sharing: as the preparation itself.
    "conversations:summary": Row(
        get=E(404, anonymous=LOGIN, leader=200, leaders_leader=403),
        post=E(405, anonymous=LOGIN),
        providers={"pk": "conversations.conversation"},
    ),
    # My development over the years (always one's own), and a report's (their leader's leader
    # only; everyone else 404, the leader included: it is the leader's leader's view).
    "history:mine": Row(get=E(200, anonymous=LOGIN), post=E(405, anonymous=LOGIN)),
    "history:leader": Row(
        get=E(404, anonymous=LOGIN, leaders_leader=200),
        post=E(405, anonymous=LOGIN),
        providers={"leader_pk": "accounts.user"},
    ),
    # The leader answers the senior offer (the test world's leader has no age: 409).
    "conversations:senior": Row(
        get=E(405, anonymous=LOGIN),
        post=E(404, anonymous=LOGIN, leader=409, leaders_leader=403),
        providers={"pk": "conversations.conversation"},
    ),
    "conversations:share": Row(
        get=E(405, anonymous=LOGIN),
        post=E(404, anonymous=LOGIN, leader=422, leaders_leader=403),
        providers={"pk": "conversations.conversation"},
    ),
}

# lus.rounds: HR's round overview (+ CSV) and anonymous statistics — HR of the municipality
# only; everyone else 404 (another municipality's round is not in the scope at all).
_HR_ONLY = E(404, anonymous=LOGIN, hr=200, foreign_hr=200)
_ROUND = {"pk": "rounds.lusround"}
URLS.update(
    {
        "rounds:index": Row(get=_HR_ONLY, post=E(405, anonymous=LOGIN)),
        "rounds:statistics": Row(get=_HR_ONLY, post=E(405, anonymous=LOGIN)),
        # HR hands open conversations over to a leader's new leader's leader (no form: 400).
        "rounds:handover": Row(get=_HR_ONLY, post=E(404, anonymous=LOGIN, hr=400, foreign_hr=400)),
        "rounds:overview": Row(
            get=E(404, anonymous=LOGIN, hr=200), post=E(405, anonymous=LOGIN), providers=_ROUND
        ),
        "rounds:overview_csv": Row(
            get=E(404, anonymous=LOGIN, hr=200), post=E(405, anonymous=LOGIN), providers=_ROUND
        ),
        # HR's to-do list; its bulk actions are POST only (nothing chosen: back with a message).
        "rounds:todo": Row(
            get=E(404, anonymous=LOGIN, hr=200), post=E(405, anonymous=LOGIN), providers=_ROUND
        ),
        "rounds:create_selected": Row(
            get=E(405, anonymous=LOGIN),
            post=E(404, anonymous=LOGIN, hr=REDIRECT),
            providers=_ROUND,
        ),
        "rounds:remind": Row(
            get=E(405, anonymous=LOGIN),
            post=E(404, anonymous=LOGIN, hr=REDIRECT),
            providers=_ROUND,
        ),
    }
)

# lus.plans: the conversation view and the co-edited plan — only the leader and the leader's
# leader (everyone else 404). In the test world the LUS is only "created": marking it held (only
# the leader's leader; the leader 403) and approving answer 409; empty POSTs 400 (reopen: 422,
# the reason is missing). Follow-ups: everyone has their own list; the .ics only the two people.
_PARTY_GET = E(404, anonymous=LOGIN, leader=200, leaders_leader=200)
_NO_GET = E(405, anonymous=LOGIN)
_PLAN = {"pk": "conversations.conversation"}
URLS.update(
    {
        "plans:conduct": Row(get=_PARTY_GET, post=_NO_GET, providers=_PLAN),
        "plans:hold": Row(
            get=_NO_GET,
            post=E(404, anonymous=LOGIN, leader=403, leaders_leader=409),
            providers=_PLAN,
        ),
        "plans:start": Row(
            get=_NO_GET,
            post=E(404, anonymous=LOGIN, leader=400, leaders_leader=400),
            providers=_PLAN,
        ),
        "plans:plan": Row(get=_PARTY_GET, post=_NO_GET, providers=_PLAN),
        "plans:save": Row(
            get=_NO_GET,
            post=E(404, anonymous=LOGIN, leader=400, leaders_leader=400),
            providers=_PLAN,
        ),
        "plans:state": Row(get=_PARTY_GET, post=_NO_GET, providers=_PLAN),
        # The event stream: 204 where there is nothing to stream from (no plan yet, or the
        # test server's shared in-memory database), else 200 text/event-stream.
        "plans:stream": Row(
            get=E(404, anonymous=LOGIN, leader={200, 204}, leaders_leader={200, 204}),
            post=_NO_GET,
            providers=_PLAN,
        ),
        "plans:presence": Row(
            get=_NO_GET,
            post=E(404, anonymous=LOGIN, leader={200, 400, 403}, leaders_leader={200, 400, 403}),
            providers=_PLAN,
        ),
        "plans:structure": Row(
            get=_NO_GET,
            post=E(404, anonymous=LOGIN, leader=400, leaders_leader=400),
            providers=_PLAN,
        ),
        "plans:approve": Row(
            get=_NO_GET,
            post=E(404, anonymous=LOGIN, leader=409, leaders_leader=409),
            providers=_PLAN,
        ),
        "plans:reopen": Row(
            get=_NO_GET,
            post=E(404, anonymous=LOGIN, leader=422, leaders_leader=422),
            providers=_PLAN,
        ),
        "plans:follow_ups": Row(get=E(200, anonymous=LOGIN), post=_NO_GET, object_lookup=False),
        "plans:follow_up_ics": Row(
            get=_PARTY_GET, post=_NO_GET, providers={"pk": "plans.followup"}
        ),
    }
)

# lus.inputs: HR's CSV import of results (HR only; an empty POST is 400), the leader's own
# results and attaching a report (everyone has their own; an empty POST is 400), and a
# report's download / removal: the leader only (the leader's leader once the preparation is
# shared; the provider's conversation is not shared, so 404); HR and everyone else 404.
URLS.update(
    {
        "inputs:hr_import": Row(
            get=E(404, anonymous=LOGIN, hr=200, foreign_hr=200),
            post=E(404, anonymous=LOGIN, hr=400, foreign_hr=400),
            object_lookup=False,
        ),
        "inputs:mine": Row(
            get=E(200, anonymous=LOGIN), post=E(400, anonymous=LOGIN), object_lookup=False
        ),
        "inputs:pdf": Row(
            get=E(404, anonymous=LOGIN, leader=200),
            post=E(405, anonymous=LOGIN),
            providers={"pk": "inputs.preparationinput"},
        ),
        "inputs:delete": Row(
            get=E(405, anonymous=LOGIN),
            post=E(404, anonymous=LOGIN, leader=REDIRECT),
            providers={"pk": "inputs.preparationinput"},
        ),
    }
)

# lus.statustalks: only the two parties (everyone else 404). The provider's conversation is not
# agreed yet, so booking answers 409; the provider's talk belongs to an agreed plan, and an
# empty status POST saves nothing (REDIRECT).
URLS.update(
    {
        "statustalks:index": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(404, anonymous=LOGIN, leader=409, leaders_leader=409),
            providers={"pk": "conversations.conversation"},
        ),
        "statustalks:talk": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(404, anonymous=LOGIN, leader=REDIRECT, leaders_leader=REDIRECT),
            providers={"pk": "statustalks.statustalk"},
        ),
        "statustalks:agreements": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(405, anonymous=LOGIN),
            providers={"pk": "conversations.conversation"},
        ),
        "statustalks:ics": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(405, anonymous=LOGIN),
            providers={"pk": "statustalks.statustalk"},
        ),
    }
)

# lus.sharing: the leader's page to share agreed points (an empty POST names no own point: 404),
# revoking (the sharer only; everyone else 404) and the colleague's page. The test world's
# municipalities have sharing enabled.
URLS.update(
    {
        "sharing:mine": Row(get=E(200, anonymous=LOGIN), post=E(404, anonymous=LOGIN)),
        "sharing:revoke": Row(
            get=E(405, anonymous=LOGIN),
            post=E(404, anonymous=LOGIN, leader=REDIRECT),
            providers={"pk": "sharing.itemshare"},
        ),
        "sharing:shared_with_me": Row(get=E(200, anonymous=LOGIN), post=E(405, anonymous=LOGIN)),
    }
)

# --- the admin --------------------------------------------------------------------------------
STAFF_ONLY = E(LOGIN, hr=200, foreign_hr=200)
ADMIN_POST = E(LOGIN, hr=200, foreign_hr=200)

URLS.update(
    {
        "admin:index": Row(get=STAFF_ONLY, post=ADMIN_POST),
        # Logged-in non-staff get the form with "not authorised"; staff are sent on (GET).
        "admin:login": Row(get=E(200, hr=REDIRECT, foreign_hr=REDIRECT), post=E(200)),
        # admin_view sends non-staff from the admin logout to the admin index.
        "admin:logout": Row(
            get=E(REDIRECT, hr=405, foreign_hr=405), post=E(REDIRECT, hr=LOGIN, foreign_hr=LOGIN)
        ),
        "admin:password_change": Row(get=STAFF_ONLY, post=ADMIN_POST),
        "admin:password_change_done": Row(get=STAFF_ONLY, post=E(LOGIN, hr=405, foreign_hr=405)),
        # Without its query parameters the autocomplete view refuses (403).
        "admin:autocomplete": Row(
            get=E(LOGIN, hr=403, foreign_hr=403), post=E(LOGIN, hr=405, foreign_hr=405)
        ),
        "admin:jsi18n": Row(get=STAFF_ONLY, post=E(LOGIN, hr=405, foreign_hr=405)),
        # Models without get_absolute_url: always 404, whether the object exists or not.
        "admin:view_on_site": Row(
            get=E(LOGIN, hr=404, foreign_hr=404), post=E(LOGIN, hr=404, foreign_hr=404)
        ),
        "admin:app_list": Row(get=STAFF_ONLY, post=ADMIN_POST),
        "admin:<catch-all>": Row(
            get=E(LOGIN, hr=404, foreign_hr=404), post=E(LOGIN, hr=404, foreign_hr=404)
        ),
        "admin:accounts_user_import": Row(get=STAFF_ONLY, post=ADMIN_POST),
        # The framework studio (a view of the FrameworkVersion admin; the tenant mixin makes a
        # foreign version 404). POST on a published version makes its draft (a redirect), on a
        # draft it is refused (403); the API refuses an empty body (400) or a published
        # version (403); an empty POST to the review page publishes the draft (a redirect) or
        # lists why it cannot (422), and is refused for a published version (403).
        "admin:frameworks_studio": Row(
            get=E(LOGIN, hr=200, foreign_hr=200),
            post=E(LOGIN, hr={REDIRECT, 403}, foreign_hr={REDIRECT, 403}),
            providers={"pk": "frameworks.frameworkversion"},
        ),
        "admin:frameworks_studio_api": Row(
            get=E(LOGIN, hr=405, foreign_hr=405),
            post=E(LOGIN, hr={400, 403}, foreign_hr={400, 403}),
            providers={"pk": "frameworks.frameworkversion"},
        ),
        "admin:frameworks_studio_preview": Row(
            get=E(LOGIN, hr=200, foreign_hr=200),
            post=E(LOGIN, hr=405, foreign_hr=405),
            providers={"pk": "frameworks.frameworkversion"},
        ),
        "admin:frameworks_review": Row(
            get=E(LOGIN, hr=200, foreign_hr=200),
            post=E(LOGIN, hr={REDIRECT, 403, 422}, foreign_hr={REDIRECT, 403, 422}),
            providers={"pk": "frameworks.frameworkversion"},
        ),
        # The full list of problems of the last failed check: none in a fresh session (404).
        "admin:accounts_user_import_errors": Row(
            get=E(LOGIN, hr=404, foreign_hr=404), post=E(LOGIN, hr=404, foreign_hr=404)
        ),
        # A long file's check (HR of the check's municipality only): the progress page while
        # queued (a POST before the check is done goes back to the upload), and its status.
        "admin:accounts_user_import_job": Row(
            get=E(LOGIN, hr=200, foreign_hr=404), post=E(LOGIN, hr=REDIRECT, foreign_hr=404)
        ),
        "admin:accounts_user_import_job_status": Row(
            get=E(LOGIN, hr=200, foreign_hr=404), post=E(LOGIN, hr=405, foreign_hr=405)
        ),
        # An empty upload is refused with the form's errors (400).
        "admin:frameworks_framework_import": Row(
            get=STAFF_ONLY, post=E(LOGIN, hr=400, foreign_hr=400)
        ),
        # Nobody sets another person's password (a link goes to the person): 403 for HR.
        "admin:auth_user_password_change": Row(
            get=E(LOGIN, hr=403, foreign_hr=403),
            post=E(LOGIN, hr=403, foreign_hr=403),
            providers={"id": "accounts.user"},
        ),
    }
)


@dataclass(frozen=True)
class AdminPolicy:
    """Who may use a ModelAdmin: "hr" (HR of the object's municipality), "platform" (platform
    admins only: HR gets 403) or "readonly" (HR may list and view, not add/change/delete)."""

    view: str = "hr"
    add: str = "hr"
    change: str = "hr"
    delete: str = "hr"


ADMIN_MODELS: dict[str, AdminPolicy] = {
    "tenants.municipality": AdminPolicy(add="platform", delete="platform"),
    "auth.group": AdminPolicy(
        view="platform", add="platform", change="platform", delete="platform"
    ),
    "accounts.orgunit": AdminPolicy(),
    "accounts.user": AdminPolicy(),
    "audit.auditevent": AdminPolicy(add="platform", change="readonly", delete="platform"),
    "frameworks.framework": AdminPolicy(),
    "frameworks.frameworkversion": AdminPolicy(),
    "frameworks.section": AdminPolicy(),
    "frameworks.question": AdminPolicy(),
    # Leaders' leaders tailor their own framework; HR only looks.
    "frameworks.teamcustomisation": AdminPolicy(
        add="platform", change="readonly", delete="platform"
    ),
    "rounds.lusround": AdminPolicy(),
}


def admin_rows(label: str, policy: AdminPolicy) -> dict[str, Row]:
    """The rows of one ModelAdmin's standard URLs, derived from its policy."""

    def cell(who: str, ok_get=200, ok_post=200):
        if who == "hr":
            return E(LOGIN, hr=ok_get, foreign_hr=ok_get), E(LOGIN, hr=ok_post, foreign_hr=ok_post)
        if who == "readonly":  # the change page shows the object read-only; POST is refused
            return E(LOGIN, hr=200, foreign_hr=200), E(LOGIN, hr=403, foreign_hr=403)
        return E(LOGIN, hr=403, foreign_hr=403), E(LOGIN, hr=403, foreign_hr=403)

    app, model = label.split(".")
    prefix = f"admin:{app}_{model}"
    view_get, view_post = cell(policy.view)
    add_get, add_post = cell(policy.add)
    change_get, change_post = cell(policy.change)
    delete_get, delete_post = cell(policy.delete)
    history = view_get if policy.view == "platform" else E(LOGIN, hr=200, foreign_hr=200)
    obj = {"object_id": label}
    return {
        f"{prefix}_changelist": Row(get=view_get, post=view_post),
        f"{prefix}_add": Row(get=add_get, post=add_post),
        f"{prefix}_change": Row(get=change_get, post=change_post, providers=obj),
        f"{prefix}_delete": Row(get=delete_get, post=delete_post, providers=obj),
        f"{prefix}_history": Row(get=history, post=history, providers=obj),
        # The bare "<object_id>/" URL only redirects to the change page (no lookup, no leak).
        f"{prefix}_<object-redirect>": Row(
            get=E(LOGIN, hr=REDIRECT, foreign_hr=REDIRECT),
            post=E(LOGIN, hr=REDIRECT, foreign_hr=REDIRECT),
            providers=obj,
            object_lookup=False,
        ),
    }


# --- lus.documents: the PDF and filing. Only the two parties see a document (HR and
# everyone else 404). Filing is the leaders_leader's (the provider's LUS is not agreed yet: 409);
# the leader may see but not file (403). The filed record (provider) is delivered already, so
# a retry by the leaders_leader is refused with a message and a redirect.
URLS.update(
    {
        "documents:document": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(405, anonymous=LOGIN),
            providers={"pk": "conversations.conversation"},
        ),
        "documents:preview": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(405, anonymous=LOGIN),
            providers={"pk": "conversations.conversation"},
        ),
        "documents:blank_form": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(405, anonymous=LOGIN),
            providers={"pk": "conversations.conversation"},
        ),
        "documents:file": Row(
            get=E(405, anonymous=LOGIN),
            post=E(404, anonymous=LOGIN, leader=403, leaders_leader=409),
            providers={"pk": "conversations.conversation"},
        ),
        "documents:download": Row(
            get=E(404, anonymous=LOGIN, leader=200, leaders_leader=200),
            post=E(405, anonymous=LOGIN),
            providers={"pk": "documents.filedrecord"},
        ),
        "documents:retry": Row(
            get=E(405, anonymous=LOGIN),
            post=E(404, anonymous=LOGIN, leader=403, leaders_leader=REDIRECT),
            providers={"pk": "documents.filedrecord"},
        ),
    }
)
ADMIN_MODELS.update(
    {
        "documents.documentsettings": AdminPolicy(),
        # Filed records: HR sees the metadata only; nobody adds, changes or deletes them.
        "documents.filedrecord": AdminPolicy(add="platform", change="readonly", delete="platform"),
    }
)


# --- lus.sso: municipal login. The world's municipalities have no identity provider,
# so every SSO endpoint answers 404 (the flows are tested in tests/sso with a SAML IdP and an
# OIDC provider inside the tests); /login/<slug>/ is the municipality's password form.
_SLUG = {"slug": "municipality_slug"}
URLS.update(
    {
        "sso:login": Row(
            get=E(REDIRECT, anonymous=200), post=E(REDIRECT, anonymous=200), providers=_SLUG
        ),
        "sso:saml_metadata": Row(get=E(404), post=E(405), providers=_SLUG),
        "sso:saml_login": Row(get=E(404), post=E(405), providers=_SLUG),
        "sso:saml_acs": Row(get=E(405), post=E(404), providers=_SLUG),
        "sso:saml_sls": Row(get=E(404), post=E(405), providers=_SLUG),
        "sso:oidc_login": Row(get=E(404), post=E(405), providers=_SLUG),
        "sso:oidc_callback": Row(get=E(404), post=E(405), providers=_SLUG),
        # The municipality's colour and logo are public (shown before login); the test world's
        # municipality has no logo.
        "municipality_theme": Row(get=E(200), post=E(405), providers=_SLUG),
        "municipality_logo": Row(get=E(404), post=E(405), providers=_SLUG),
    }
)
# Identity providers: platform admins only (HR of any municipality 403).
# Document links of information blocks ("Fælles fundament"): HR of the municipality.
ADMIN_MODELS["frameworks.referencelink"] = AdminPolicy()
# Whether leaders may share development points with colleagues: HR of the municipality changes
# its one policy (the test world has one already, so adding another is refused).
ADMIN_MODELS["sharing.sharingpolicy"] = AdminPolicy(add="platform")

ADMIN_MODELS["sso.identityprovider"] = AdminPolicy(
    view="platform", add="platform", change="platform", delete="platform"
)
# Which IdP account (OIDC sub) a person logs in with: platform admins only.
ADMIN_MODELS["sso.subjectbinding"] = AdminPolicy(
    view="platform", add="platform", change="platform", delete="platform"
)


for _label, _policy in ADMIN_MODELS.items():
    URLS.update(admin_rows(_label, _policy))

# Every field of the sharing policy is optional (a checkbox and two texts), so any POST to its
# change page is a valid form: saved and redirected (the municipality is forced by the admin).
URLS["admin:sharing_sharingpolicy_change"] = Row(
    get=E(LOGIN, hr=200, foreign_hr=200),
    post=E(LOGIN, hr={200, REDIRECT}, foreign_hr={200, REDIRECT}),
    providers={"object_id": "sharing.sharingpolicy"},
)
