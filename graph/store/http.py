"""The HTTP client of the remote backend: POST/PUT/DELETE with a deadline and engine auth.

Only the standard library speaks HTTP here (urllib: digest auth for Virtuoso's protected
endpoints comes with it), so the remote backend adds no dependency. Timeouts become
QueryTimeout and unreachable engines RemoteError, so callers see typed errors only.
"""

from __future__ import annotations

import base64
import http.client
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph.errors import QueryTimeout, RemoteError


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes
    #: When the body is longer than the `whole` bytes asked for: the response, to read on
    #: from (`body` is its first bytes); the caller closes it.
    rest: http.client.HTTPResponse | None = None


class HttpClient:
    """POST/PUT/DELETE with a deadline; engine faults become typed errors."""

    def __init__(
        self, urls: Iterable[str | None], user: str | None = None, password: str | None = None
    ) -> None:
        # No proxies: the engine is the deployment's own, and a proxy would see every query.
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        self._plain = urllib.request.build_opener(*handlers)
        self._digest: urllib.request.HTTPDigestAuthHandler | None = None
        self._basic: urllib.request.HTTPBasicAuthHandler | None = None
        if user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in urls:
                if url:
                    passwords.add_password(None, url, user, password or "")
            self._digest = urllib.request.HTTPDigestAuthHandler(passwords)
            self._basic = urllib.request.HTTPBasicAuthHandler(passwords)
            handlers += [self._digest, self._basic]
        self._opener = urllib.request.build_opener(*handlers)

    def _preauthorize(self, req: urllib.request.Request, timeout: float) -> None:
        """Answer the auth challenge before sending a body.

        urllib authenticates only after a 401, by sending the request again; Virtuoso closes
        the connection on the first attempt before reading a large body, which fails with a
        broken pipe. So ask for the challenge with an empty HEAD first.
        """
        if self._digest is None:
            return
        try:
            self._plain.open(urllib.request.Request(req.full_url, method="HEAD"), timeout=timeout)
            return
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        except (urllib.error.URLError, OSError):
            return  # the real request reports the failure
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "digest":
            chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            auth = self._digest.get_authorization(req, chal)
            if auth:
                req.add_unredirected_header("Authorization", f"Digest {auth}")
        elif scheme.lower() == "basic" and self._basic is not None:
            user, password = self._basic.passwd.find_user_password(None, req.full_url)  # type: ignore[arg-type]
            if user is not None:
                token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
                req.add_unredirected_header("Authorization", f"Basic {token}")

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: float,
        authenticate: bool = False,
        whole: int | None = None,
    ) -> Reply:
        """The engine's reply; with `whole`, a body longer than that is left to be read on
        (Reply.rest) rather than held (graph.store.remote_results streams it)."""
        req = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
        if authenticate:
            self._preauthorize(req, timeout)
        try:
            resp = self._opener.open(req, timeout=timeout)
            try:
                data = resp.read() if whole is None else resp.read(whole + 1)
                reply = Reply(resp.status, dict(resp.headers.items()), data)
                if whole is not None and len(data) > whole:
                    reply, resp = Reply(reply.status, reply.headers, data, resp), None
            finally:
                if resp is not None:
                    resp.close()
            return reply
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            return Reply(exc.code, dict(exc.headers.items()), detail.encode("utf-8"))
        except TimeoutError:
            raise QueryTimeout(f"the remote engine did not answer within {timeout:.0f} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(
                    f"the remote engine did not answer within {timeout:.0f} s"
                ) from None
            raise RemoteError(f"remote engine at {url} unreachable: {exc.reason}") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise RemoteError(f"remote engine at {url} failed: {exc}") from None
