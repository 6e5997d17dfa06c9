"""A synchronous client of ``/__admin`` for tests, benchmarks and the demo.

Synchronous on purpose: the simulator always runs on another thread or in another process,
so a test can steer it between awaits without an event loop of its own.
"""

from __future__ import annotations

from typing import Any

import httpx


class AdminError(RuntimeError):
    """An admin call failed; the message carries the simulator's answer."""


class AdminClient:
    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url + "/__admin", timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = self._http.request(method, path, json=body, params=params or None)
        if response.status_code >= 400:
            raise AdminError(
                f"{method} /__admin{path}: HTTP {response.status_code} {response.text}"
            )
        return response.json()

    # state
    def state(self) -> dict[str, Any]:
        return self._call("GET", "/state")  # type: ignore[no-any-return]

    def reset(self) -> None:
        self._call("POST", "/reset")

    def settings(self, **changes: Any) -> dict[str, Any]:
        """``token_ttl=``, ``latency_ms=``, ``token=`` (snake or camel case)."""
        names = {"token_ttl": "tokenTtl", "latency_ms": "latencyMs"}
        return self._call("PATCH", "/settings", {names.get(k, k): v for k, v in changes.items()})  # type: ignore[no-any-return]

    # faults
    def add_fault(self, kind: str, **rule: Any) -> int:
        """Add a fault rule (see ``faults.py``); returns its id."""
        added = self._call("POST", "/faults", {"kind": kind, **rule})
        return int(added["faults"][0]["id"])

    def faults(self) -> list[dict[str, Any]]:
        return self._call("GET", "/faults")["faults"]  # type: ignore[no-any-return]

    def remove_fault(self, rule_id: int) -> None:
        self._call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    # requests
    def requests(self, *, recent: bool = True) -> dict[str, Any]:
        return self._call("GET", "/requests", recent="true" if recent else "false")  # type: ignore[no-any-return]

    def reset_requests(self) -> None:
        self._call("DELETE", "/requests")

    # tokens
    def expire_tokens(self) -> None:
        self._call("POST", "/tokens/expire")

    # ground truth
    def dataset(self, org: str | None = None, *, components: bool = True) -> dict[str, Any]:
        params: dict[str, str] = {}
        if org is not None:
            params["org"] = org
        if not components:
            params["components"] = "false"
        return self._call("GET", "/dataset", **params)  # type: ignore[no-any-return]

    # changes (each returns the new resource version)
    def add_org(self, name: str, **fields: Any) -> str:
        return str(self._call("POST", "/orgs", {"name": name, **fields})["resourceVersion"])

    def update_org(self, org: str, **fields: Any) -> str:
        return str(self._call("PATCH", f"/orgs/{org}", fields)["resourceVersion"])

    def remove_org(self, org: str) -> str:
        return str(self._call("DELETE", f"/orgs/{org}")["resourceVersion"])

    def add_project(self, org: str, name: str, **fields: Any) -> str:
        body = {"name": name, **fields}
        return str(self._call("POST", f"/orgs/{org}/projects", body)["resourceVersion"])

    def update_project(self, org: str, project: str, **fields: Any) -> str:
        path = f"/orgs/{org}/projects/{project}"
        return str(self._call("PATCH", path, fields)["resourceVersion"])

    def remove_project(self, org: str, project: str) -> str:
        return str(self._call("DELETE", f"/orgs/{org}/projects/{project}")["resourceVersion"])

    def add_component(self, org: str, project: str, name: str, **fields: Any) -> str:
        path = f"/orgs/{org}/projects/{project}/components"
        return str(self._call("POST", path, {"name": name, **fields})["resourceVersion"])

    def update_component(self, org: str, project: str, component: str, **fields: Any) -> str:
        path = f"/orgs/{org}/projects/{project}/components/{component}"
        return str(self._call("PATCH", path, fields)["resourceVersion"])

    def remove_component(self, org: str, project: str, component: str) -> str:
        path = f"/orgs/{org}/projects/{project}/components/{component}"
        return str(self._call("DELETE", path)["resourceVersion"])

    def set_endpoints(
        self, org: str, project: str, component: str, endpoints: dict[str, Any]
    ) -> str:
        path = f"/orgs/{org}/projects/{project}/components/{component}/endpoints"
        return str(self._call("PUT", path, endpoints)["resourceVersion"])
