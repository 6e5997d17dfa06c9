"""Chaos scenario "hostile input" (issue 8): bad upstream data and a fuzzed API, never a 5xx.

Self-contained: starts ``openchoreo-catalog simulate`` and ``openchoreo-catalog serve`` (a
temporary SQLite database, a free port, a random static token) in child processes, then:

1. **clean** — the simulator's data plus hostile but usable names added through its admin
   API (a 300-character component, a non-ASCII component, a 300-character non-ASCII project
   and organization with their own children): the first cycle must give the exact catalog.
2. **faults** — ``malformed_json`` (projects), ``wrong_type`` (components), ``huge`` 10 MB
   (every organization list, two component pages), ``hostile_names`` ``long`` (dataplanes)
   and ``non_ascii`` (environments): the cycle must finish, be marked degraded in the
   management API (``GET /api/catalog/incremental/providers/{p}``: ``degraded``,
   ``degradedReason``), log one ``skipped …`` warning per bad item, count it in ``/metrics``
   (``openchoreo_provider_items_skipped_total``), and remove nothing. A malformed response is
   no item: its burst fails with a logged warning and is retried after the backoff.
   ``hostile_names`` goes on leaf listings only: the simulator renames a listing's items but
   not the objects behind them, so a renamed organization's projects answer 404 — which the
   provider rightly reads as "deleted since it was listed". Hostile names of parents are
   covered by step 1, where they are real.
3. **lifted** — faults cleared: the next cycle is clean (not degraded) and gives the exact
   catalog again; the entities the renamed items produced are swept, nothing else.
4. **unnamable** — a component whose name has no ASCII letter or digit (no valid Backstage
   entity name can be built from it) is added: that cycle is degraded, logs the skip, and
   the catalog is exact minus that component.
5. **schemathesis** — the service's own ``/openapi.json``, restricted to ``/api/catalog/…``
   (catalog, management, immediate writes), with the token, the real provider name offered
   for ``{provider}``, a bounded number of examples: no response may be a 5xx.

"Exact" means: the refs of the catalog equal those the independent oracle
(``tests/providers/oracle.py``) computes from the simulator's ground truth
(``/__admin/dataset``), and for each ref the kind, owner, system, domain, type and
``providesApis`` match — the dataset minus the items invalid by Backstage's rules (names with
nothing to build an entity name from). Throughout, a poller reads the catalog routes; any 5xx,
any ``unhandled error`` or traceback in the service log, or the token in the log fails the
run.

Usage: ``.venv/bin/python bench/chaos_hostile.py`` prints ``hostile input: PASS|FAIL — …``
and exits 1 on FAIL; ``run_hostile()`` returns ``(passed, figures)`` for ``bench/chaos.py``.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the oracle lives with the tests
    sys.path.insert(0, str(ROOT))

from tests.providers.oracle import expected, mismatches, ref_of  # noqa: E402

from openchoreo_catalog.cli.serve_cmd import READY_PREFIX  # noqa: E402
from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess  # noqa: E402

PROVIDER = "OpenChoreoIncrementalEntityProvider"
MANAGEMENT = f"/api/catalog/incremental/providers/{PROVIDER}"
SIM_TOKEN = "hostile-sim-token-7d3a"
SIM_CONFIG = SimulatorConfig(orgs=2, projects=2, components=5, endpoints=2, seed=8, token=SIM_TOKEN)
LONG_COMPONENT = ("hostile-" + "very-long-component-name-" * 12)[:300]
NON_ASCII_COMPONENT = "zahlungs-dienst-ünïcødé-名前"
HOSTILE_PROJECT = ("projekt-ü-" + "lang" * 80)[:300]
HOSTILE_ORG = ("organisation-ü-名前-" + "long" * 80)[:300]
UNNAMABLE_COMPONENT = "名前-ü"
FAULTS: list[dict[str, Any]] = [
    {"kind": "malformed_json", "match": r"/projects$", "times": 1},
    {"kind": "wrong_type", "match": r"/components$", "times": 1},
    {"kind": "huge", "mb": 10, "match": r"/orgs$"},
    {"kind": "huge", "mb": 10, "match": r"/components$", "times": 2},
    {"kind": "hostile_names", "style": "long", "match": r"/dataplanes$"},
    {"kind": "hostile_names", "style": "non_ascii", "match": r"/environments$"},
]
POLLED = (
    "/api/catalog/entities/by-query?limit=50&orderField=metadata.name,asc",
    "/api/catalog/entities?filter=kind=component",
    "/api/catalog/entity-facets?facet=kind",
    "/api/catalog/entities/by-query?fullTextFilterTerm=%C3%BC",
    MANAGEMENT,
)
SKIPPED_METRIC = "openchoreo_provider_items_skipped_total"
SKIP_LOGGER = "openchoreo_catalog.providers.openchoreo.emit: skipped "
CYCLE_TIMEOUT = 60.0
SCHEMATHESIS_EXAMPLES = 15
T = TypeVar("T")


class ScenarioFailed(Exception):
    """A check of the scenario did not hold; the message says which and why."""


def check(condition: bool, message: str) -> None:
    """Fail the scenario with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ScenarioFailed(message)


def poll(probe: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """``probe()`` until it returns something; a deadline, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise ScenarioFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Statuses:
    """Every status the service answered, counted across threads (the 5xx check)."""

    counts: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response: httpx.Response) -> None:
        with self.lock:
            self.counts[response.status_code] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{response.request.method} {response.request.url}")


class Service:
    """``openchoreo-catalog serve`` in a child process, logs in files, one HTTP client."""

    def __init__(self, directory: Path, config: Path, token: str) -> None:
        self.log = directory / "serve.err"
        self.out = directory / "serve.out"
        self.token = token
        self.statuses = Statuses()
        with self.out.open("wb") as out, self.log.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "openchoreo_catalog", "serve", "--config", str(config)],
                stdout=out,
                stderr=err,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        self.http = httpx.Client()  # replaced once the URL is known; stop() closes either
        try:
            line = poll(self._ready, timeout=60, what="the service's ready line")
        except BaseException:
            self.stop()
            raise
        self.url = line.split(READY_PREFIX, 1)[1].split()[0]
        self.http.close()
        self.http = self.client()

    def _ready(self) -> str | None:
        if self.process.poll() is not None:
            raise ScenarioFailed(f"serve exited with {self.process.returncode}: {self.tail()}")
        lines = self.out.read_text(errors="replace").splitlines()
        return next((line for line in lines if line.startswith(READY_PREFIX)), None)

    def client(self) -> httpx.Client:
        """A client whose every response is counted in :attr:`statuses`."""
        return httpx.Client(
            base_url=self.url, timeout=30, event_hooks={"response": [self.statuses.record]}
        )

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()

    def tail(self) -> str:
        return "\n".join(self.log_lines()[-5:])

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def write_config(directory: Path, simulator_url: str, token: str) -> Path:
    """An app-config: the simulator, SQLite in ``directory``, fast pacing, one static token."""
    tree = {
        "openchoreo": {
            "baseUrl": simulator_url,
            "token": SIM_TOKEN,
            "incremental": {
                "burstLength": 300,
                "burstInterval": 5,
                "restLength": 60,
                "batchDelayMs": 0,
                "backoff": [1],
                "chunkSize": 20,
            },
        },
        "backend": {
            "listen": {"host": "127.0.0.1", "port": 0},
            "database": {"client": "sqlite3", "connection": str(directory / "catalog.sqlite")},
            "auth": {
                "externalAccess": [
                    {"type": "static", "options": {"token": token, "subject": "chaos"}}
                ]
            },
        },
    }
    path = directory / "app-config.yaml"
    path.write_text(yaml.safe_dump(tree, sort_keys=False))
    return path


@contextmanager
def reading(service: Service) -> Iterator[None]:
    """Read the catalog routes in a loop on another thread while the body runs."""
    stop = threading.Event()

    def loop() -> None:
        with service.client() as http:
            while not stop.is_set():
                for path in POLLED:
                    try:
                        http.get(path)
                    except httpx.HTTPError as error:
                        service.statuses.server_errors.append(f"GET {path}: {error!r}")
                stop.wait(0.05)  # pacing, not synchronisation

    thread = threading.Thread(target=loop, name="hostile-reader", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(30)


def current_cycle(service: Service) -> dict[str, Any] | None:
    """The provider's current cycle from the management API (``None`` before the first)."""
    response = service.http.get(MANAGEMENT)
    check(response.status_code == 200, f"GET {MANAGEMENT}: {response.status_code}")
    cycle: dict[str, Any] | None = response.json()["data"]["current"]
    return cycle


def wait_cycle(service: Service, after: str | None) -> dict[str, Any]:
    """The first completed cycle whose id is not ``after`` (the one before the trigger)."""

    def done() -> dict[str, Any] | None:
        cycle = current_cycle(service)
        if cycle and cycle["id"] != after and cycle["ingestionCompletedAt"]:
            return cycle
        return None

    return poll(done, timeout=CYCLE_TIMEOUT, what="an ingestion cycle to complete")


def next_cycle(service: Service) -> dict[str, Any]:
    """Trigger a cycle now (the provider is resting) and wait for it to complete."""
    before = current_cycle(service)
    response = service.http.post(f"{MANAGEMENT}/trigger", headers=service.auth)
    check(response.status_code == 200, f"trigger: {response.status_code} {response.text}")
    return wait_cycle(service, before["id"] if before else None)


def catalog(service: Service) -> dict[str, dict[str, Any]]:
    """Every entity in the catalog, by ref."""
    response = service.http.get("/api/catalog/entities")
    check(response.status_code == 200, f"GET /api/catalog/entities: {response.status_code}")
    return {ref_of(entity): entity for entity in response.json()}


def nameable(name: str) -> bool:
    """Whether a Backstage entity name can be built from ``name`` (an ASCII letter or digit)."""
    return any(char.isascii() and char.isalnum() for char in name)


def expectation(sim: SimulatorProcess) -> Any:
    """The oracle's catalog for the ground truth, minus components that cannot be named."""
    dataset = sim.admin.dataset()
    for org in dataset["orgs"]:
        for project in org["projects"]:
            project["components"] = [c for c in project["components"] if nameable(c["name"])]
    return expected(dataset)


def exact(service: Service, sim: SimulatorProcess, phase: str) -> int:
    """Fail unless the catalog equals the oracle's; return the number of entities."""
    entities = catalog(service)
    problems = mismatches(expectation(sim), entities)
    check(not problems, f"{phase}: catalog differs from the simulator: {problems[:5]}")
    return len(entities)


def skipped_warnings(service: Service) -> list[str]:
    """The provider's one warning per skipped item (later echoes of it are not counted)."""
    return [line for line in service.log_lines() if SKIP_LOGGER in line]


def skipped_metric(service: Service) -> float:
    """``openchoreo_provider_items_skipped_total`` from ``/metrics``."""
    text = service.http.get("/metrics").text
    lines = [line for line in text.splitlines() if line.startswith(SKIPPED_METRIC)]
    return float(lines[0].split()[-1]) if lines else 0.0


def add_hostile_data(sim: SimulatorProcess) -> None:
    """Usable but hostile names, in the ground truth itself (so the oracle expects them)."""
    org = sim.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    project = sim.admin.dataset(org, components=False)["orgs"][0]["projects"][0]["project"]
    sim.admin.add_component(org, project["name"], LONG_COMPONENT, allowInvalidName=True)
    sim.admin.add_component(org, project["name"], NON_ASCII_COMPONENT, allowInvalidName=True)
    sim.admin.add_project(org, HOSTILE_PROJECT, allowInvalidName=True)
    sim.admin.add_component(org, HOSTILE_PROJECT, "inside-hostile-project")
    sim.admin.add_org(HOSTILE_ORG, allowInvalidName=True)
    sim.admin.add_project(HOSTILE_ORG, "p-" + "ö" * 100, allowInvalidName=True)
    sim.admin.add_component(HOSTILE_ORG, "p-" + "ö" * 100, "c-" + "x" * 280, allowInvalidName=True)


def phase_clean(service: Service, sim: SimulatorProcess, figures: dict[str, Any]) -> None:
    cycle = wait_cycle(service, None)
    check(not cycle["degraded"], f"clean: degraded: {cycle['degradedReason']}")
    figures["entities"] = exact(service, sim, "clean")


def phase_faults(service: Service, sim: SimulatorProcess, figures: dict[str, Any]) -> None:
    before = set(catalog(service))
    warned = len(skipped_warnings(service))
    for rule in FAULTS:
        sim.admin.add_fault(**rule)
    logged = len(service.log_lines())
    cycle = next_cycle(service)
    check(cycle["degraded"], "faults: the cycle is not marked degraded")
    malformed = [line for line in service.log_lines()[logged:] if "not valid JSON" in line]
    check(bool(malformed), "faults: the malformed response left no warning in the log")
    check("skipped" in (cycle["degradedReason"] or ""), f"faults: reason {cycle['degradedReason']}")
    skips = skipped_warnings(service)[warned:]
    wrong = next(f["applied"] for f in sim.admin.faults() if f["kind"] == "wrong_type")
    check(len(skips) == wrong, f"faults: {len(skips)} items skipped, {wrong} made wrong: {skips}")
    check(cycle["entitiesRemoved"] == 0, f"faults: {cycle['entitiesRemoved']} entities removed")
    lost = before - set(catalog(service))
    check(not lost, f"faults: a degraded cycle lost {sorted(lost)[:5]}")
    counted = skipped_metric(service)
    check(counted >= len(skips), f"faults: /metrics counts {counted} skipped items")
    applied = {f"{f['id']}:{f['kind']}": f["applied"] for f in sim.admin.faults()}
    check(all(applied.values()), f"faults: some rules never fired: {applied}")
    figures["faulted"] = {"skipped": len(skips), "fired": applied}


def phase_lifted(service: Service, sim: SimulatorProcess, figures: dict[str, Any]) -> None:
    sim.admin.clear_faults()
    cycle = next_cycle(service)
    check(not cycle["degraded"], f"lifted: still degraded: {cycle['degradedReason']}")
    exact(service, sim, "lifted")
    figures["swept"] = cycle["entitiesRemoved"]
    check(cycle["entitiesRemoved"] > 0, "lifted: the renamed entities were not swept")


def phase_unnamable(service: Service, sim: SimulatorProcess, figures: dict[str, Any]) -> None:
    org = sim.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    project = sim.admin.dataset(org, components=False)["orgs"][0]["projects"][1]["project"]
    sim.admin.add_component(org, project["name"], UNNAMABLE_COMPONENT, allowInvalidName=True)
    warned = len(skipped_warnings(service))
    cycle = next_cycle(service)
    check(cycle["degraded"], "unnamable: the cycle is not marked degraded")
    new = skipped_warnings(service)[warned:]
    check(len(new) == 1, f"unnamable: {len(new)} items skipped: {new}")
    check(repr(UNNAMABLE_COMPONENT) in new[0], f"unnamable: the warning does not name it: {new}")
    exact(service, sim, "unnamable")
    figures["unnamable"] = "skipped"


def fuzz_schema(service: Service, directory: Path) -> Path:
    """The service's OpenAPI, with the real provider name offered for ``{provider}``."""
    spec = service.http.get("/openapi.json").json()
    for operations in spec["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "provider":
                    parameter["schema"] = {"type": "string", "enum": [PROVIDER, "NoSuchOne"]}
    path = directory / "openapi.json"
    path.write_text(json.dumps(spec))
    return path


def phase_schemathesis(service: Service, directory: Path, figures: dict[str, Any]) -> None:
    """Fuzz the catalog and management routes; schemathesis fails on any 5xx."""
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [
            str(schemathesis), "run", str(fuzz_schema(service, directory)),
            "--url", service.url,
            "--include-path-regex", "^/api/catalog/",
            "--header", f"Authorization: Bearer {service.token}",
            "--checks", "not_a_server_error",
            "--max-examples", str(SCHEMATHESIS_EXAMPLES),
            "--seed", "8", "--workers", "1", "--no-color",  # threads: a CPython 3.11 ast race
            "--generation-database", "none",
            "--report", "ndjson", "--report-dir", str(directory),
        ],
        capture_output=True, text=True, timeout=150, check=False, cwd=directory,
    )  # fmt: skip
    summary = [line.strip() for line in result.stdout.splitlines() if "generated" in line]
    figures["schemathesis"] = summary[-1] if summary else "no summary"
    output = result.stdout.replace(service.token, "***")
    check(result.returncode == 0, f"schemathesis found problems:\n{output[-3000:]}")


def log_problems(service: Service) -> list[str]:
    """Tracebacks, unhandled errors or the token in the service log."""
    problems = []
    for line in service.log_lines():
        if "Traceback" in line or "unhandled error" in line:
            problems.append(line[:300])
        if service.token in line:
            problems.append("the API token appears in the log")
    return problems


def run_hostile() -> tuple[bool, str]:
    """Run the scenario; ``(passed, figures)``, never an exception (a crash is a FAIL)."""
    started = time.monotonic()
    figures: dict[str, Any] = {}
    try:
        failure = scenario(figures)
    except Exception as error:  # the harness itself broke: report it, let chaos.py go on
        failure = f"{type(error).__name__}: {error}"
    figures["seconds"] = round(time.monotonic() - started, 1)
    text = ", ".join(f"{key} {value}" for key, value in figures.items())
    return not failure, f"{text}{'; ' + failure if failure else ''}"


def scenario(figures: dict[str, Any]) -> str:
    """Every phase against fresh processes; the first failed check's message, or ``""``."""
    with (
        tempfile.TemporaryDirectory(prefix="chaos-hostile-") as tmp,
        SimulatorProcess(SIM_CONFIG) as sim,
    ):
        directory = Path(tmp)
        add_hostile_data(sim)
        token = secrets.token_urlsafe(18)
        service = Service(directory, write_config(directory, sim.base_url, token), token)
        try:
            timings: dict[str, float] = {}
            figures["phase seconds"] = timings
            with reading(service):
                for phase in (phase_clean, phase_faults, phase_lifted, phase_unnamable):
                    begun = time.monotonic()
                    phase(service, sim, figures)
                    timings[phase.__name__.removeprefix("phase_")] = round(
                        time.monotonic() - begun, 1
                    )
            begun = time.monotonic()
            phase_schemathesis(service, directory, figures)
            timings["schemathesis"] = round(time.monotonic() - begun, 1)
            problems = service.statuses.server_errors + log_problems(service)
            check(not problems, f"5xx or errors: {problems[:5]}")
            failure = ""
        except ScenarioFailed as error:
            failure = str(error)
        finally:
            service.stop()
            figures["5xx"] = len(service.statuses.server_errors)
            figures["requests checked"] = sum(service.statuses.counts.values())
    return failure


def main() -> int:
    passed, figures = run_hostile()
    print(f"hostile input: {'PASS' if passed else 'FAIL'} — {figures}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
