"""Login: the municipality choice, SAML 2.0 and OpenID Connect per municipality, logout."""

from __future__ import annotations

import base64
import binascii
import logging
from urllib.parse import urlencode

from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView
from requests import RequestException
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import name_id_from_string

from lus.sso import saml
from lus.sso.models import IdentityProvider
from lus.sso.oidc import callback_url, ensure_endpoints
from lus.sso.selectors import password_login_allowed, sso_provider, sso_providers_for_login_page
from lus.sso.services import Identity, SSORefused, sso_find_person
from lus.tenants.models import Municipality

logger = logging.getLogger("lus.sso")

SESSION_KEY = "lus_sso"
SAML_COOKIE = "lus_saml_request"
REQUEST_MAX_AGE = 10 * 60
SESSION_BACKEND = "lus.accounts.backends.TenantAwareModelBackend"

REASONS = {
    "unknown": (
        _("You are not registered in LUS"),
        _(
            "Your municipality's login recognised you, but %(municipality)s has not registered "
            "you in LUS. Ask HR to add you (people are imported from the municipality's HR "
            "system), then try again."
        ),
    ),
    "other_municipality": (
        _("You belong to another municipality"),
        _(
            "Your municipality's login recognised you, but in LUS you belong to another "
            "municipality than %(municipality)s. Choose your own municipality on the login page."
        ),
    ),
    "inactive": (
        _("Your access to LUS is closed"),
        _("You are registered as having left %(municipality)s. Contact HR if this is a mistake."),
    ),
    "no_identifier": (
        _("The login did not say who you are"),
        _(
            "The answer from %(municipality)s's login lacked the information LUS identifies "
            "people by. Contact the municipality's IT department."
        ),
    ),
    "invalid": (
        _("The login could not be verified"),
        _(
            "The answer from %(municipality)s's login was not valid (signature, recipient or "
            "time). Try again; contact the municipality's IT department if it happens again."
        ),
    ),
    "expired": (
        _("The login took too long"),
        _(
            "The login was not completed in time or was started in another window. "
            "Please try again."
        ),
    ),
    "idp_error": (
        _("The login was not completed"),
        _("%(municipality)s's login did not complete the login. Please try again."),
    ),
    "unverified": (
        _("Your e-mail address is not verified"),
        _(
            "%(municipality)s's login did not confirm that the e-mail address of your account "
            "is yours, so LUS cannot tell who you are. Contact the municipality's IT department."
        ),
    ),
    "other_subject": (
        _("Another account is linked to you"),
        _(
            "Your e-mail address belongs to a person in LUS who logs in with another account "
            "at %(municipality)s's login. Log in with that account, or ask the municipality's "
            "IT department to contact LUS' administrators."
        ),
    ),
    "logout_refused": (
        _("The logout request was refused"),
        _(
            "LUS received a request to log you out that did not come, signed, from "
            "%(municipality)s's login. You are still logged in to LUS; use “Log out” in LUS "
            "to log out."
        ),
    ),
}


def refuse(
    request, municipality: Municipality, reason: str, *, status: int = 403, detail: str = ""
):
    """The Danish refusal page, and a log line with the reason (never the page alone)."""
    logger.warning(
        "sso: refused (%s) at %s %s: %s", reason, municipality.slug, request.path, detail or "-"
    )
    title, text = REASONS[reason]
    context = {
        "title": title,
        "text": text % {"municipality": municipality.name},
        "reason": reason,
        "refused_municipality": municipality,
    }
    return render(request, "sso/refused.html", context, status=status)


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("home")


def _municipality(slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)


def _login(request: HttpRequest, user, provider: IdentityProvider, **session_data) -> None:
    auth.login(request, user, backend=SESSION_BACKEND)
    request.session[SESSION_KEY] = {
        "slug": provider.municipality.slug,
        "protocol": provider.protocol,
        **session_data,
    }


# --- the login pages ---------------------------------------------------------------------------
class PasswordLoginForm(AuthenticationForm):
    """Django's login form; a person whose municipality logs in through its own login only,
    typing their correct (old) password, is told to use that login instead."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            municipality = getattr(self.request, "lus_sso_only_municipality", None)
            if municipality is None:
                raise
            raise ValidationError(
                _(
                    "%(municipality)s logs in through its own login, not with a password "
                    "in LUS. Log in through your municipality: choose %(municipality)s "
                    "on the login page."
                ),
                code="sso_only",
                params={"municipality": municipality.name},
            ) from None


class LoginView(auth_views.LoginView):
    """Username/password plus the choice of municipalities that log in through their own IdP."""

    authentication_form = PasswordLoginForm
    redirect_authenticated_user = True
    municipality: Municipality | None = None
    provider: IdentityProvider | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = [] if self.municipality else sso_providers_for_login_page()
        context["chosen_municipality"] = self.municipality
        context["provider"] = self.provider
        context["password_allowed"] = self.municipality is None or password_login_allowed(
            self.municipality.pk
        )
        return context


class MunicipalityLoginView(LoginView):
    """/login/<slug>/: straight on to the municipality's IdP, or its password form when the
    municipality has no SSO or allows passwords too (demo municipalities)."""

    def dispatch(self, request, *args, slug: str, **kwargs):
        self.municipality = _municipality(slug)
        self.provider = sso_provider(self.municipality)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        allowed = password_login_allowed(self.municipality.pk)
        if self.provider is not None and not allowed and not request.user.is_authenticated:
            start = reverse(f"sso:{self.provider.protocol}_login", args=[self.municipality.slug])
            next_url = request.GET.get("next")
            if next_url:
                start += "?" + urlencode({"next": next_url})
            return redirect(start)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not password_login_allowed(self.municipality.pk):
            raise Http404  # no password form for this municipality
        return super().post(request, *args, **kwargs)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Log out of LUS and, where the IdP supports it, of the municipality's login (SLO)."""
    data = request.session.get(SESSION_KEY) or {}
    target = None
    if request.user.is_authenticated and data:
        try:
            target = _single_logout_url(request, data)
        except Exception:  # the IdP's logout is a courtesy: never fail LUS' own logout
            logger.warning("sso: single logout could not be started", exc_info=True)
    auth.logout(request)
    if target is None:
        return HttpResponseRedirect(reverse("login"))
    # A redirect to another site right after a form POST is blocked by the CSP's form-action:
    # a page that forwards (meta refresh, no script) to the IdP's logout instead.
    return render(request, "sso/logged_out.html", {"single_logout_url": target})


def _single_logout_url(request: HttpRequest, data: dict) -> str | None:
    municipality = Municipality.objects.filter(slug=data.get("slug")).first()
    if municipality is None:
        return None
    provider = sso_provider(municipality, protocol=data.get("protocol"))
    if provider is None:
        return None
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        if not provider.oidc_end_session_endpoint:
            return None
        params = {
            "client_id": provider.oidc_client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
        if data.get("id_token"):
            params["id_token_hint"] = data["id_token"]
        return f"{provider.oidc_end_session_endpoint}?{urlencode(params)}"
    client = saml.client_for(provider)
    destinations = client.metadata.single_logout_service(
        provider.saml_entity_id, BINDING_HTTP_REDIRECT, "idpsso"
    )
    if not destinations or not data.get("name_id"):
        return None
    destination = destinations[0]["location"]
    _id, message = client.create_logout_request(
        destination,
        provider.saml_entity_id,
        name_id=name_id_from_string(data["name_id"]),
        session_indexes=[data["session_index"]] if data.get("session_index") else None,
        sign=False,
    )
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT, str(message), destination, relay_state="", sign=None
    )
    return dict(info["headers"])["Location"]


# --- SAML 2.0 ----------------------------------------------------------------------------------
def _saml_provider(slug: str, *, enabled: bool = True) -> IdentityProvider:
    provider = sso_provider(_municipality(slug), protocol="saml", enabled=enabled)
    if provider is None:
        raise Http404
    return provider


@require_GET
def saml_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    """The SP metadata of the municipality, to register LUS at its IdP."""
    provider = _saml_provider(slug, enabled=False)
    return HttpResponse(saml.sp_metadata(provider), content_type="application/samlmetadata+xml")


@require_GET
def saml_login(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _saml_provider(slug)
    if not provider.saml_metadata_xml:
        return refuse(request, provider.municipality, "idp_error", status=503)
    client = saml.client_for(provider)
    request_id, info = client.prepare_for_authenticate(
        entityid=provider.saml_entity_id, binding=BINDING_HTTP_REDIRECT, relay_state=""
    )
    response = HttpResponseRedirect(dict(info["headers"])["Location"])
    # The IdP answers with a cross-site POST, which carries no SameSite=Lax session cookie:
    # the outstanding request travels in its own signed cookie instead.
    # One cookie per login started, so that two tabs logging in at once do not overwrite
    # each other's request.
    state = {"id": request_id, "slug": slug, "next": _safe_next(request, request.GET.get("next"))}
    secure = request.is_secure()
    response.set_cookie(
        saml_cookie_name(request_id),
        signing.dumps(state, salt=SAML_COOKIE),
        max_age=REQUEST_MAX_AGE,
        path="/sso/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


def saml_cookie_name(request_id: str) -> str:
    return f"{SAML_COOKIE}_{request_id}"


def _outstanding(request: HttpRequest, slug: str) -> dict[str, str]:
    """The SAML logins this browser started for the municipality: {request ID: next URL}."""
    found = {}
    for name, value in request.COOKIES.items():
        if not name.startswith(SAML_COOKIE + "_"):
            continue
        try:
            state = signing.loads(value, salt=SAML_COOKIE, max_age=REQUEST_MAX_AGE)
        except signing.BadSignature:
            continue
        if isinstance(state, dict) and state.get("slug") == slug and state.get("id"):
            found[state["id"]] = _safe_next(request, state.get("next"))
    return found


@csrf_exempt  # the IdP posts here cross-site; the signed assertion is the protection
@require_POST
def saml_acs(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _saml_provider(slug)
    municipality = provider.municipality
    encoded = request.POST.get("SAMLResponse", "")
    try:
        xml = base64.b64decode(encoded, validate=True) if encoded else b""
    except (binascii.Error, ValueError):
        detail = "SAMLResponse not base64"
        return refuse(request, municipality, "invalid", status=400, detail=detail)
    if not xml:
        return refuse(request, municipality, "invalid", status=400, detail="empty SAML body")
    try:
        in_response_to = saml.check_algorithms(xml)
    except saml.MessageRefused as exc:
        return refuse(request, municipality, "invalid", detail=str(exc))
    outstanding = _outstanding(request, slug)

    def refused(reason: str, detail: str) -> HttpResponse:
        page = refuse(request, municipality, reason, detail=detail)
        return _clear_saml_cookie(page, in_response_to)

    client = saml.client_for(provider)
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding=outstanding
        )
    except Exception as exc:  # pysaml2 raises plain Exception for some failures (audience)
        reason = "expired" if type(exc).__name__ == "UnsolicitedResponse" else "invalid"
        if type(exc).__name__.startswith("Status"):
            reason = "idp_error"
        return refused(reason, f"SAML response: {exc!r}")
    if response is None:
        return refused("invalid", "SAML response not valid")
    assertion = saml.read_assertion(response)
    if assertion.issuer != provider.saml_entity_id:
        return refused("invalid", f"issuer {assertion.issuer!r}, not {provider.saml_entity_id!r}")
    if not cache.add(f"lus-sso-assertion:{assertion.assertion_id}", 1, REQUEST_MAX_AGE * 3):
        return refused("invalid", f"assertion {assertion.assertion_id} replayed")
    identity = Identity(attributes=assertion.attributes, default_uid=assertion.name_id_text)
    try:
        user = sso_find_person(provider=provider, identity=identity)
    except SSORefused as exc:
        return refused(exc.reason, f"{assertion.name_id_text}: {exc}")
    _login(
        request, user, provider, name_id=assertion.name_id, session_index=assertion.session_index
    )
    next_url = outstanding.get(response.in_response_to) or reverse("home")
    return _clear_saml_cookie(HttpResponseRedirect(next_url), response.in_response_to)


def _clear_saml_cookie(response: HttpResponse, request_id: str) -> HttpResponse:
    if request_id:
        response.delete_cookie(saml_cookie_name(request_id), path="/sso/")
    return response


@require_GET
def saml_sls(request: HttpRequest, slug: str) -> HttpResponse:
    """Single logout: the IdP's answer to our LogoutRequest, or its own LogoutRequest."""
    provider = _saml_provider(slug)
    client = saml.client_for(provider)
    if "SAMLResponse" in request.GET:
        try:
            client.parse_logout_request_response(request.GET["SAMLResponse"], BINDING_HTTP_REDIRECT)
        except Exception as exc:
            logger.warning("sso: logout response refused for %s: %r", slug, exc)
        return redirect("login")
    if "SAMLRequest" not in request.GET:
        return refuse(request, provider.municipality, "invalid", status=400, detail="no message")
    try:
        logout_request = saml.verified_logout_request(client, provider, request.GET)
    except saml.MessageRefused as exc:
        return refuse(request, provider.municipality, "logout_refused", status=400, detail=str(exc))
    data = request.session.get(SESSION_KEY) or {}
    message = logout_request.message
    if data.get("slug") == slug and data.get("name_id"):
        ours = name_id_from_string(data["name_id"])
        if message.name_id is not None and message.name_id.text == ours.text:
            auth.logout(request)
    answer = client.create_logout_response(message, bindings=[BINDING_HTTP_REDIRECT])
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(answer),
        client.response_args(message, [BINDING_HTTP_REDIRECT])["destination"],
        relay_state=request.GET.get("RelayState", ""),
        response=True,
    )
    return HttpResponseRedirect(dict(info["headers"])["Location"])


# --- OpenID Connect ----------------------------------------------------------------------------
def _oidc_provider(slug: str) -> IdentityProvider:
    provider = sso_provider(_municipality(slug), protocol="oidc")
    if provider is None:
        raise Http404
    return provider


@require_GET
def oidc_login(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the authorization code flow (state, nonce and PKCE kept in the session)."""
    provider = _oidc_provider(slug)
    try:
        ensure_endpoints(provider)
    except Exception:
        logger.warning("sso: OIDC discovery failed for %s", slug, exc_info=True)
        return refuse(request, provider.municipality, "idp_error", status=503)
    state = get_random_string(32)
    nonce = get_random_string(32)
    code_verifier = get_random_string(64)
    params = {
        "response_type": "code",
        "scope": provider.oidc_scopes or "openid email profile",
        "client_id": provider.oidc_client_id,
        "redirect_uri": callback_url(request, provider),
        "state": state,
        "nonce": nonce,
        "code_challenge": generate_code_challenge(code_verifier, "S256"),
        "code_challenge_method": "S256",
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, code_verifier)
    request.session["oidc_states"][state]["municipality"] = slug
    request.session["oidc_login_next"] = _safe_next(request, request.GET.get("next"))
    return HttpResponseRedirect(f"{provider.oidc_authorization_endpoint}?{urlencode(params)}")


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """mozilla-django-oidc's callback (state checked and used once, nonce handed to the
    backend), for the municipality in the URL, with Danish refusal pages."""

    def get(self, request, slug: str):
        provider = _oidc_provider(slug)
        self.provider = provider
        state = request.GET.get("state", "")
        entry = (request.session.get("oidc_states") or {}).get(state)
        municipality = provider.municipality
        if entry is not None and entry.get("municipality") != slug:
            detail = f"state of {entry.get('municipality')}"
            return refuse(request, municipality, "invalid", status=400, detail=detail)
        if request.GET.get("error"):
            if entry is not None:  # forget the state: it must not be used again
                del request.session["oidc_states"][state]
                request.session.modified = True
            detail = "IdP error {!r}: {!r}".format(
                request.GET["error"][:100], request.GET.get("error_description", "")[:300]
            )
            return refuse(request, municipality, "idp_error", detail=detail)
        if entry is None:
            detail = "unknown or used state" if state else "no state"
            return refuse(request, municipality, "expired", status=400, detail=detail)
        request.lus_oidc_provider = provider
        try:
            return super().get(request)
        except SSORefused as exc:
            return refuse(request, municipality, exc.reason, detail=str(exc))
        except (SuspiciousOperation, RequestException, ValueError) as exc:
            return refuse(request, municipality, "invalid", detail=repr(exc))

    def login_failure(self):
        return refuse(
            self.request, self.provider.municipality, "invalid", detail="no code or nonce"
        )

    def login_success(self):
        _login(
            self.request,
            self.user,
            self.provider,
            id_token=getattr(self.request, "lus_oidc_id_token", ""),
        )
        return HttpResponseRedirect(self.success_url)

    @property
    def success_url(self):
        return _safe_next(self.request, self.request.session.get("oidc_login_next"))


oidc_callback = OIDCCallbackView.as_view()
