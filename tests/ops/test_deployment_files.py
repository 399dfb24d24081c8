"""The container and service files run exactly the tested bin/ scripts (tests/
test_production_stack.py starts those), restart a process that dies, and run one beat."""

import configparser
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ("web", "worker", "beat")
SYSTEMD = ROOT / "deploy" / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(SYSTEMD / name)
    return parser


def test_every_script_is_executable_and_stops_on_the_first_error():
    for name in (*PROCESSES, "release", "build"):
        script = ROOT / "bin" / name
        assert os.access(script, os.X_OK), name
        assert "set -euo pipefail" in script.read_text(), name


def test_the_release_migrates_and_grants_together():
    text = (ROOT / "bin" / "release").read_text()
    assert text.index("manage.py migrate") < text.index("manage.py grant_app_role")


def test_systemd_restarts_each_process_for_ever_from_its_script():
    for name in PROCESSES:
        service = unit(f"homecoming-{name}.service")["Service"]
        assert service["ExecStart"] == f"/srv/homecoming/bin/{name}"
        assert service["Restart"] == "always"
        assert service["User"] == "homecoming"
        assert unit(f"homecoming-{name}.service")["Unit"]["StartLimitIntervalSec"] == "0"
    release = unit("homecoming-release.service")["Service"]
    assert (release["ExecStart"], release["Type"]) == ("/srv/homecoming/bin/release", "oneshot")


def services(compose: str) -> dict[str, str]:
    """Each top-level service's block of compose.yaml (plain text: no YAML library needed)."""
    body = compose.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    blocks = re.split(r"\n(?=  [a-z]+:\n)", "\n" + body)
    return {b.strip().split(":", 1)[0]: b for b in blocks if b.strip()}


def test_compose_runs_the_scripts_restarts_them_and_has_one_beat():
    compose = (ROOT / "compose.yaml").read_text()
    blocks = services(compose)
    assert set(blocks) == {"postgres", "redis", "release", *PROCESSES}
    assert "restart: unless-stopped" in compose.split("services:")[0]  # the app's anchor
    for name in PROCESSES:
        assert f'command: ["bin/{name}"]' in blocks[name], name
        assert "<<: *app" in blocks[name], name
        assert "restart:" not in blocks[name], name  # inherits unless-stopped
        assert "release: {condition: service_completed_successfully}" in blocks[name], name
    assert 'command: ["bin/release"]' in blocks["release"]
    assert "replicas" not in blocks["beat"] and "scale" not in blocks["beat"]


def test_the_image_is_built_in_stages_and_runs_unprivileged_with_bin_build():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert len(stages) == 2 and all(s.endswith("-slim") for s in stages)
    assert "RUN bin/build" in dockerfile
    assert re.search(r"^USER homecoming$", dockerfile, re.MULTILINE)
    assert dockerfile.index("USER homecoming") > dockerfile.rindex("FROM ")
    assert 'CMD ["bin/web"]' in dockerfile


def test_the_demo_serves_static_files_as_production_does():
    demo = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "bin/build" in demo and "bin/web" in demo and "DEBUG=false" in demo
    for module in ("local", "production"):
        settings = (ROOT / "config" / "settings" / f"{module}.py").read_text()
        assert "STORAGES" not in settings, module  # base.py's compressed manifest storage
    base = (ROOT / "config" / "settings" / "base.py").read_text()
    assert '"whitenoise.storage.CompressedManifestStaticFilesStorage"' in base
