"""Identity providers that run as real servers on 127.0.0.1, for end-to-end tests over HTTP.

- ``NodeOIDCProvider``: node-oidc-provider (npm ``oidc-provider``, OpenID Certified), started
  with Node from ``tests/sso/oidc_provider/`` (``npm ci`` on first use). Its own login and
  consent pages (devInteractions) are filled in like a browser would.
- ``HTTPSamlIdP``: pysaml2's ``saml2.server.Server`` behind a small WSGI server: metadata at
  ``/metadata``, single sign-on (HTTP-Redirect in, an auto-posting form out), single logout
  (both directions) — what AD FS or KOMBIT's Context Handler do, without a network.
"""

from __future__ import annotations

import base64
import fcntl
import html
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from saml2 import BINDING_HTTP_REDIRECT, xmldsig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

from tests.sso.idp import TestSamlIdP

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"


def node_missing() -> str | None:
    """Why node-oidc-provider cannot run here, or None."""
    for program in ("node", "npm"):
        if shutil.which(program) is None:
            return f"{program} is not installed: the node-oidc-provider tests need Node 20 + npm"
    return None


def npm_ci() -> None:
    """Install the locked node-oidc-provider once (a lock: several test workers may ask)."""
    with open(PROVIDER_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = PROVIDER_DIR / "node_modules" / ".package-lock.json"
        lockfile = PROVIDER_DIR / "package-lock.json"
        if marker.exists() and marker.stat().st_mtime >= lockfile.stat().st_mtime:
            return
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROVIDER_DIR,
            check=True,
            timeout=600,
        )


class NodeOIDCProvider:
    """node-oidc-provider as a child process; ``accounts`` maps a login name to its claims.

    ``id_token_rewrites`` adds clients whose ID tokens the provider rewrites (no ``kid``,
    ``alg: none``, another key: see provider.js); ``signing_keys=2`` publishes two keys."""

    client_id = "lus"
    client_secret = "lus-secret-for-tests-only-0123456789"

    def __init__(
        self,
        *,
        redirect_uris: list[str],
        post_logout_redirect_uris: list[str],
        accounts: dict[str, dict],
        id_token_rewrites: dict[str, str | dict] | None = None,
        signing_keys: int = 1,
    ):
        config = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": post_logout_redirect_uris,
            "accounts": accounts,
            "id_token_rewrites": id_token_rewrites or {},
            "signing_keys": signing_keys,
        }
        self.process = subprocess.Popen(
            ["node", "provider.js"],
            cwd=PROVIDER_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.process.stdin.write(json.dumps(config))
        self.process.stdin.close()
        output = []
        for line in self.process.stdout:  # warnings first (devInteractions), then "listening"
            output.append(line)
            if line.startswith("listening "):
                self.issuer = line.split()[1]
                break
        else:
            self.stop()
            raise RuntimeError("node-oidc-provider did not start:\n" + "".join(output))
        # keep reading its output so that it never blocks on a full pipe
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    # --- a browser at the provider's own pages -----------------------------------------------
    @staticmethod
    def _form(page: requests.Response) -> tuple[str, dict[str, str]]:
        action = re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1)
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
        return urljoin(page.url, html.unescape(action)), fields

    def sign_in(self, browser: requests.Session, authorize_url: str, login: str):
        """Log in at the provider as ``login`` and consent; returns LUS' final answer."""
        page = browser.get(authorize_url)
        assert "Sign-in" in page.text, page.text[:500]
        action, fields = self._form(page)
        page = browser.post(action, data={**fields, "login": login, "password": "any"})
        if 'name="prompt" value="consent"' in page.text:
            action, fields = self._form(page)
            page = browser.post(action, data=fields)
        return page

    def abort(self, browser: requests.Session, authorize_url: str):
        """The person presses "Cancel" at the provider's login page."""
        page = browser.get(authorize_url)
        abort = re.search(r'href="([^"]*/abort)"', page.text).group(1)
        return browser.get(urljoin(page.url, html.unescape(abort)))

    def end_session(self, browser: requests.Session, end_session_url: str):
        """Follow LUS' redirect to the end-session endpoint and confirm "Yes, sign me out"."""
        page = browser.get(end_session_url)
        action, fields = self._form(page)
        return browser.post(action, data={**fields, "logout": "yes"})


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # no access log in the test output
        pass


class HTTPSamlIdP:
    """A pysaml2 IdP on 127.0.0.1. ``user`` is who logs in at its (imaginary) login page."""

    def __init__(
        self,
        key_pair,
        *,
        signing_algorithm=xmldsig.SIG_RSA_SHA256,
        digest_algorithm=xmldsig.DIGEST_SHA256,
    ):
        self.key_pair = key_pair
        self.algorithms = {
            "signing_algorithm": signing_algorithm,
            "digest_algorithm": digest_algorithm,
        }
        self.server = make_server("127.0.0.1", 0, self._app, WSGIServer, _QuietHandler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.entity_id = f"{self.base}/metadata"
        self.sso_url = f"{self.base}/sso"
        self.idp = TestSamlIdP(
            key_pair, entity_id=self.entity_id, sso_url=self.sso_url, **self.algorithms
        )
        self.user: dict = {}  # {"name_id": ..., "attributes": {...}}
        self.logout_requests: list = []  # LogoutRequests received from LUS
        self.sp_metadata = ""
        # What a broken or hostile IdP would answer (tests set these):
        self.answer_as: TestSamlIdP | None = None  # another key or entity ID answers instead
        self.response_options: dict = {}  # e.g. {"sign": False, "audience": "..."}
        self.rewrite = None  # callable: the response XML (str) -> the XML posted to LUS
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def register_sp(self, sp_metadata_url: str) -> None:
        """Upload LUS' SP metadata, as its administrator would (fetched from its address)."""
        response = requests.get(sp_metadata_url, timeout=10)
        response.raise_for_status()
        self.sp_metadata = response.text
        self.idp = self.impostor(self.key_pair)

    def impostor(self, key_pair, *, entity_id: str = "", **algorithms) -> TestSamlIdP:
        """This IdP's entity ID (or another), its SP registration, but ``key_pair``'s key."""
        return TestSamlIdP(
            key_pair,
            self.sp_metadata,
            entity_id=entity_id or self.entity_id,
            sso_url=self.sso_url,
            **{**self.algorithms, **algorithms},
        )

    def initiate_logout(
        self, *, sls: str, audience: str, name_id: str, signer: TestSamlIdP | None = None, **kw
    ) -> str:
        """The address of a signed IdP-initiated LogoutRequest to LUS (signed by ``signer``
        if given, e.g. an ``impostor``)."""
        query = (signer or self.idp).logout_query(sls=sls, audience=audience, name_id=name_id, **kw)
        return sls + "?" + query

    # --- WSGI ----------------------------------------------------------------------------------
    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/metadata":
            return self._answer(
                start_response, "200 OK", self.idp.metadata(), "application/samlmetadata+xml"
            )
        if path == "/sso" and query.get("wa") == "signout":
            return self._logout(start_response, query)
        if path == "/sso" and "SAMLRequest" in query:
            return self._login(start_response, query)
        return self._answer(start_response, "404 Not Found", "not found")

    @staticmethod
    def _answer(start_response, status, body, content_type="text/html; charset=utf-8", headers=()):
        start_response(status, [("Content-Type", content_type), *headers])
        return [body.encode()]

    def _login(self, start_response, query):
        request = self.idp.server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = request.message
        options = {
            "in_response_to": message.id,
            "acs": message.assertion_consumer_service_url,
            "audience": message.issuer.text,
            "name_id": self.user["name_id"],
            "attributes": self.user.get("attributes", {}),
            **self.response_options,
        }
        encoded = (self.answer_as or self.idp).response(**options)
        if self.rewrite is not None:
            xml = self.rewrite(base64.b64decode(encoded).decode())
            encoded = base64.b64encode(xml.encode()).decode()
        page = (
            f'<form method="post" action="{html.escape(message.assertion_consumer_service_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
            '<button type="submit">Continue</button></form>'
        )
        return self._answer(start_response, "200 OK", page)

    def _logout(self, start_response, query):
        request = self.idp.server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        self.logout_requests.append(request.message)
        answer = self.idp.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
        destination = self.idp.server.response_args(request.message, [BINDING_HTTP_REDIRECT])[
            "destination"
        ]
        info = self.idp.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(answer),
            destination,
            response=True,
            sign=True,
            sigalg=xmldsig.SIG_RSA_SHA256,
        )
        location = dict(info["headers"])["Location"]
        return self._answer(start_response, "302 Found", "", headers=[("Location", location)])


# --- XML signature wrapping -----------------------------------------------------------------------
#: Where a forged, unsigned assertion goes and where the genuine signed one is hidden.
WRAPPING_ATTACKS = {
    # the forged assertion next to the signed one (which comes second)
    "two assertions": dict(signature=False, same_id=False, hide="after"),
    # the signed one moved into the Response's <Extensions>, the forged one in its place
    "signed one in Extensions": dict(signature=False, same_id=False, hide="extensions"),
    # ... with the genuine <Signature> copied into the forged assertion (its reference
    # still points at the hidden signed one, so the digest checks out)
    "signature copied": dict(signature=True, same_id=False, hide="extensions"),
    # ... and the forged assertion carrying the signed one's ID as well
    "same ID": dict(signature=True, same_id=True, hide="extensions"),
    # the signed one inside the forged one's <Advice>
    "signed one in Advice": dict(signature=False, same_id=False, hide="advice"),
}


def wrap_signature(xml: str, *, attack: str, name_id: str, mail: str) -> str:
    """A signed response with an unsigned assertion for someone else (``name_id``, ``mail``)
    wrapped around it, as an attacker holding their own valid response would (XSW). The
    signed assertion's bytes are kept exactly, so its own signature stays valid."""
    how = WRAPPING_ATTACKS[attack]
    signed = re.search(r"<(\w+):Assertion\b.*?</\1:Assertion>", xml, re.S)
    saml_ns, body = signed.group(1), signed.group(0)
    forged = re.sub(r">[^<]*</(\w+):NameID>", rf">{name_id}</\1:NameID>", body, count=1)
    forged = re.sub(r"(<\w+:AttributeValue\b[^>]*>)[^<]*<", rf"\g<1>{mail}<", forged)
    if not how["signature"]:
        forged = re.sub(r"<(\w+):Signature\b.*?</\1:Signature>", "", forged, flags=re.S)
    if not how["same_id"]:
        forged = re.sub(r'\bID="[^"]+"', 'ID="id-forged-0123456789"', forged, count=1)
    if how["hide"] == "after":
        return xml.replace(body, forged + body)
    if how["hide"] == "advice":
        forged = re.sub(
            rf"(<{saml_ns}:AuthnStatement\b)",
            lambda m: f"<{saml_ns}:Advice>{body}</{saml_ns}:Advice>" + m.group(1),
            forged,
            count=1,
        )
        return xml.replace(body, forged)
    protocol_ns = re.match(r"(?:<\?xml[^>]*>\s*)?<(\w+):Response\b", xml).group(1)
    extensions = f"<{protocol_ns}:Extensions>{body}</{protocol_ns}:Extensions>"
    xml = xml.replace(body, forged)
    # <Extensions> comes right after the Response's <Issuer> (and <Signature>, none here)
    return re.sub(r"(</\w+:Issuer>)", lambda m: m.group(1) + extensions, xml, count=1)


def form_of(page: requests.Response) -> tuple[str, dict[str, str]]:
    """The first form of a page: its absolute action and its hidden fields."""
    return NodeOIDCProvider._form(page)


def name_id(text: str) -> NameID:
    return NameID(format=NAMEID_FORMAT_PERSISTENT, text=text)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
