"""The container files (Containerfile, .devcontainer/, .ci/container, docs/container.md, docs/platforms.md):
cheap static checks, no container is built (.ci/container builds and smoke-tests the image in CI)."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTAINERFILE = ROOT / "Containerfile"
DEVCONTAINER = ROOT / ".devcontainer" / "devcontainer.json"
CI_SCRIPT = ROOT / ".ci" / "container"
CONTAINER_DOC = ROOT / "docs" / "container.md"
PLATFORMS_DOC = ROOT / "docs" / "platforms.md"
CONTAINER_SET = [CONTAINERFILE, DEVCONTAINER, CI_SCRIPT, CONTAINER_DOC, PLATFORMS_DOC, ROOT / ".dockerignore"]

# Every toolchain the lenses use (README "Lenses" and "Compilers"), by its Debian package.
TOOLCHAIN = [
    "gcc", "g++", "clang-16", "libclang-rt-16-dev", "llvm-16", "gdb", "valgrind", "strace",
    "libc6-dbg", "libssl-dev", "python3", "python3-venv", "python3-dev", "procps",
    "libasan8", "libtsan2", "libubsan1", "liblsan0",
]  # fmt: skip

# Hosts a committed file may name: public documentation and the public base image's registry.
PUBLIC_HOSTS = {"docker.io"}


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Containerfile: comments dropped, continuation lines joined."""
    out: list[tuple[str, str]] = []
    for line in re.sub(r"\\\n", " ", text).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_container_files_exist():
    for path in CONTAINER_SET:
        assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    assert CI_SCRIPT.stat().st_mode & 0o111, ".ci/container must be executable"
    assert CI_SCRIPT.read_text().startswith("#!/usr/bin/env bash")


def test_from_is_the_base_image_arg_with_a_public_default():
    ins = instructions(CONTAINERFILE.read_text())
    froms = [args for word, args in ins if word == "FROM"]
    assert froms == ["${BASE_IMAGE}"], froms
    first_from = next(i for i, (word, _) in enumerate(ins) if word == "FROM")
    args = {a.split("=", 1)[0]: a.split("=", 1)[1] for word, a in ins[:first_from] if word == "ARG" and "=" in a}
    assert args.get("BASE_IMAGE") == "docker.io/library/debian:bookworm"


def test_every_toolchain_package_is_installed():
    installs = " ".join(args for word, args in instructions(CONTAINERFILE.read_text()) if word == "RUN" and "apt-get" in args)
    words = set(installs.split())
    missing = [p for p in TOOLCHAIN if p not in words]
    assert not missing, f"the Containerfile does not install {missing}"


def test_package_in_a_venv_cache_set_and_crashcourse_the_entrypoint():
    text = CONTAINERFILE.read_text()
    ins = instructions(text)
    runs = " ".join(args for word, args in ins if word == "RUN")
    assert "python3 -m venv" in runs and "pip install /opt/crashcourse/src" in runs
    assert "crashcourse prepare;" in runs  # every profile prebuilt, every fetch done
    env = " ".join(args for word, args in ins if word == "ENV")
    assert re.search(r"CRASHCOURSE_CACHE=/\S+", env), "CRASHCOURSE_CACHE must name a folder in the image"
    assert [args for word, args in ins if word == "ENTRYPOINT"] == ['["crashcourse"]']


def _hosts(text: str) -> set[str]:
    """Host names in a text: after a URL scheme, or bare names under a common top-level domain."""
    with_scheme = {m.group(1) for m in re.finditer(r"\b[a-z][a-z0-9+.-]*://([A-Za-z0-9.-]+)", text)}
    bare = {m.group(0) for m in re.finditer(r"\b(?:[a-z0-9-]+\.)+(?:org|com|net|io|dev|internal|local|lan|corp)\b", text, re.I)}
    return {h.lower() for h in with_scheme | bare}


def _ip_addresses(text: str) -> list[str]:
    out = []
    for m in re.finditer(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])", text):
        try:
            ipaddress.ip_address(m.group(1))
        except ValueError:
            continue
        out.append(m.group(1))
    return out


def test_no_committed_container_file_names_a_host_ip_or_proxy():
    for path in CONTAINER_SET:
        text = path.read_text()
        rel = path.relative_to(ROOT)
        other = _hosts(text) - PUBLIC_HOSTS
        assert not other, f"{rel} names hosts {sorted(other)}: read them at CI time instead"
        assert not _ip_addresses(text), f"{rel} names IP addresses {_ip_addresses(text)}"
        assert not re.search(r"\w*proxy\w*\s*[=:]", text, re.I), f"{rel} sets a proxy"
        if path != CONTAINER_DOC:  # the container page may say "behind a proxy", in prose
            assert "proxy" not in text.lower(), f"{rel} mentions a proxy"


def test_the_host_check_catches_what_it_should():
    assert _hosts("URIs: http://mirror.example.internal/debian") == {"mirror.example.internal"}
    assert "deb.debian.org" in _hosts("debootstrap bookworm rootfs deb.debian.org/debian")
    assert _ip_addresses("index-url = http://10.0.0.7:3128/simple, version 1.2.3") == ["10.0.0.7"]


def test_devcontainer_uses_the_containerfile_with_the_run_options():
    config = json.loads(DEVCONTAINER.read_text())
    build = config["build"]
    assert (DEVCONTAINER.parent / build["context"]).resolve() == ROOT
    assert (DEVCONTAINER.parent / build["dockerfile"]).resolve() == CONTAINERFILE
    args = " ".join(config["runArgs"])
    for option in ("--cap-add=SYS_PTRACE", "seccomp=unconfined", "core=-1"):
        assert option in args, f"devcontainer.json runArgs lack {option}"


@pytest.mark.parametrize("option", ["--cap-add SYS_PTRACE", "--security-opt seccomp=unconfined", "--ulimit core=-1"])
def test_container_doc_gives_the_run_options(option):
    assert option in CONTAINER_DOC.read_text()


def test_ci_script_runs_with_the_options_and_the_smoke_cases():
    text = CI_SCRIPT.read_text()
    for needle in ("--cap-add SYS_PTRACE", "--security-opt seccomp=unconfined", "--ulimit core=-1",
                   "--build-arg BASE_IMAGE=", "CONTAINERS_CONF", "podman image exists", "debootstrap",
                   "--lens gdb", "--lens asan", "--lens valgrind", "doctor", "exercise check"):  # fmt: skip
        assert needle in text, f".ci/container lacks {needle!r}"


def test_docs_pages_are_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text()
    assert "container.md" in nav and "platforms.md" in nav
