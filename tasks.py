#!/usr/bin/env python3
"""Developer tasks for the carers' emergency line. Standard library only.

    python3 tasks.py serve
        Fetch the design system's assets, set up .venv, migrate the database,
        load demo data, run the dev server on 127.0.0.1:${PORT:-5000}.

    python3 tasks.py test [--sqlite-only | --postgres-only] [pytest args...]
        Fetch the design system's assets, set up .venv, lint with ruff, run the
        test suite on SQLite (measuring branch coverage) and, at the same time,
        on a throwaway PostgreSQL server if its binaries are installed (the
        browser tests, then, in the PostgreSQL run only).
        REQUIRE_POSTGRES=1 makes a missing PostgreSQL a failure. Each run is
        spread over one pytest-xdist worker per core unless the pytest args
        choose (-n 0 runs in one process).

    python3 tasks.py assets
        Only fetch the design system's assets (for a deployment that runs
        gunicorn itself).
"""
import base64
import contextlib
import glob
import hashlib
import io
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
VENV_PYTHON = VENV_BIN / "python"
INSTALL_STAMP = VENV / "pyproject.sha256"
UV = "uv==0.13.9"
PYPROJECT = ROOT / "pyproject.toml"
CATALOGS = ROOT / "emergency" / "wording" / "translations"
BROWSER_TESTS = "tests/browser"

TEST_DB_NAME = "emergency_test"
PG_SUPERUSER = "postgres"
PG_SYSTEM_USER = "postgres"
PYTEST_NO_TESTS_COLLECTED = 5

USAGE = """\
usage: python3 tasks.py serve
       python3 tasks.py test [--sqlite-only | --postgres-only] [pytest args...]
       python3 tasks.py assets

  serve   fetch the design system's assets, install into .venv, run migrations
          and demo data, start the dev server on 127.0.0.1:$PORT (default 5000)
  test    fetch the design system's assets, install into .venv, lint with ruff,
          run pytest on SQLite (with branch coverage) and at the same time on a
          throwaway PostgreSQL server (if installed; REQUIRE_POSTGRES=1 makes it
          mandatory); each run spread over one pytest-xdist worker per core
          unless the pytest args say otherwise
  assets  only fetch the design system's assets into emergency/assets/
"""


class PostgresError(Exception):
    pass


def show_command(cmd):
    print("+ " + shlex.join(str(part) for part in cmd), flush=True)


def run(cmd, **kwargs):
    show_command(cmd)
    subprocess.run([str(part) for part in cmd], check=True, **kwargs)


def venv_environment():
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    return env


def pyproject_digest():
    return hashlib.sha256(PYPROJECT.read_bytes()).hexdigest()


def ensure_venv():
    # A half-made venv (e.g. ensurepip missing on Debian) has python but no pip.
    if not VENV_PYTHON.exists() or not (VENV_BIN / "pip").exists():
        run([sys.executable, "-m", "venv", VENV])
    digest = pyproject_digest()
    if INSTALL_STAMP.exists() and INSTALL_STAMP.read_text().strip() == digest:
        return
    # uv installs the pinned packages in seconds where pip takes a minute; pip fetches uv itself.
    run([VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", UV], cwd=ROOT)
    run([VENV_BIN / "uv", "pip", "install", "--python", VENV_PYTHON, "-e", ".[test]"], cwd=ROOT)
    INSTALL_STAMP.write_text(digest + "\n")


def compile_catalogs():
    """The words' catalogs are built here, never committed: each .po compiled to its .mo."""
    run([VENV_BIN / "pybabel", "--quiet", "compile", "--directory", CATALOGS], cwd=ROOT)


def set_up():
    frontend_assets_or_exit()
    ensure_venv()
    compile_catalogs()


# --- the design system's assets ----------------------------------------------
#
# GOV.UK Frontend and MOJ Frontend come from npm at the versions package-lock.json pins, each
# tarball checked against the lock's sha512 before anything in it is used. Only the compiled
# files the pages load are unpacked, into emergency/assets/ (ignored by git, served at /assets/).

FRONTEND_LOCK = ROOT / "package-lock.json"
ASSETS = ROOT / "emergency" / "assets"
DEFAULT_REGISTRY = "https://registry.npmjs.org/"
DOWNLOAD_TIMEOUT_SECONDS = 60
# (folder or file in the package, where it goes under ASSETS)
FRONTEND_FILES = {
    "govuk-frontend": [("package/dist/govuk/govuk-frontend.min.css", "govuk-frontend.min.css"),
                       ("package/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"),
                       ("package/dist/govuk/assets/images/", "images/")],
    "@ministryofjustice/frontend": [("package/moj/moj-frontend.min.css", "moj-frontend.min.css"),
                                    ("package/moj/moj-frontend.min.js", "moj-frontend.min.js"),
                                    ("package/moj/assets/images/", "images/")],
}
# A council's service is not GOV.UK: the Crown, the GOV.UK logotype and GOV.UK's icons are left
# in the tarball, and so are the GDS Transport fonts (the pages use Arial).
NOT_OURS = re.compile(r"crest|crown|logotype|govuk-icon|opengraph|favicon|apple-touch-icon", re.IGNORECASE)


class AssetsUnavailable(Exception):
    pass


def pinned_frontend_packages(lock_path=None):
    """{name: (version, integrity)} for the packages the pages use, from package-lock.json."""
    packages = json.loads(Path(lock_path or FRONTEND_LOCK).read_text())["packages"]
    pinned = {}
    for name in FRONTEND_FILES:
        entry = packages.get(f"node_modules/{name}")
        if not entry or not entry.get("version") or not str(entry.get("integrity", "")).startswith("sha512-"):
            raise AssetsUnavailable(f"package-lock.json has no version and sha512 integrity for {name}")
        pinned[name] = (entry["version"], entry["integrity"])
    return pinned


def integrity_matches(tarball: bytes, integrity: str) -> bool:
    expected = integrity.removeprefix("sha512-")
    return base64.b64encode(hashlib.sha512(tarball).digest()).decode() == expected


def registry_url():
    # npm's own setting, so that a mirror configured for npm is used here too.
    return (os.environ.get("NPM_CONFIG_REGISTRY") or os.environ.get("npm_config_registry")
            or DEFAULT_REGISTRY).rstrip("/") + "/"


def download_from_registry(name, version):
    """The package's tarball straight from the registry."""
    url = f"{registry_url()}{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
        return response.read()


def pack_with_npm(name, version):
    """The package's tarball through npm, which knows this machine's proxy, mirror and cache."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsUnavailable("npm is not installed")
    with tempfile.TemporaryDirectory(prefix="emergency-npm-") as directory:
        result = subprocess.run([npm, "pack", f"{name}@{version}", "--json", "--pack-destination", directory],
                                capture_output=True, text=True, cwd=directory, timeout=300)
        if result.returncode != 0:
            raise AssetsUnavailable(f"npm pack failed: {result.stderr.strip().splitlines()[-1:]}")
        filename = json.loads(result.stdout)[0]["filename"]
        return (Path(directory) / filename.replace("@", "").replace("/", "-")).read_bytes()


def fetch_tarball(name, version, integrity):
    """The checked tarball, from the registry or else through npm; AssetsUnavailable if neither."""
    failures = []
    for way in (download_from_registry, pack_with_npm):
        try:
            tarball = way(name, version)
        except (OSError, urllib.error.URLError, subprocess.SubprocessError, ValueError, KeyError, IndexError,
                AssetsUnavailable) as error:
            failures.append(f"{way.__doc__.split(',')[0].strip()}: {error}")
            continue
        if not integrity_matches(tarball, integrity):
            raise AssetsUnavailable(f"{name}@{version} does not match the sha512 in package-lock.json: refused")
        return tarball
    raise AssetsUnavailable(f"{name}@{version} could not be fetched ({'; '.join(failures)})")


def unpack_assets(name, tarball, destination):
    """Copy the package's compiled CSS, JS and images into destination, nothing else."""
    wanted = FRONTEND_FILES[name]
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile() or NOT_OURS.search(member.name):
                continue
            for source, target in wanted:
                is_folder = source.endswith("/")
                if member.name == source or is_folder and member.name.startswith(source):
                    relative = member.name[len(source):] if is_folder else ""
                    if "/" in relative or relative.startswith("."):
                        continue  # only the folder's own files
                    path = destination / target / relative if is_folder else destination / target
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(archive.extractfile(member).read())


def installed_assets(assets):
    try:
        return json.loads((assets / "installed.json").read_text())
    except (OSError, ValueError):
        return None


def ensure_frontend_assets(assets=None, lock_path=None):
    """Fetch the pinned assets unless they are already in place; AssetsUnavailable if they cannot be."""
    assets = Path(assets or ASSETS)
    pinned = pinned_frontend_packages(lock_path)
    wanted = {name: f"{version} {integrity}" for name, (version, integrity) in pinned.items()}
    if installed_assets(assets) == wanted:
        return
    print(f"Fetching the design system's assets ({', '.join(f'{n}@{v}' for n, (v, _) in pinned.items())})",
          flush=True)
    tarballs = {name: fetch_tarball(name, version, integrity) for name, (version, integrity) in pinned.items()}
    assets.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".assets-", dir=assets.parent))
    try:
        for name, tarball in tarballs.items():
            unpack_assets(name, tarball, fresh)
        (fresh / "installed.json").write_text(json.dumps(wanted, indent=2) + "\n")
        shutil.rmtree(assets, ignore_errors=True)
        fresh.rename(assets)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def frontend_assets_or_exit():
    try:
        ensure_frontend_assets()
    except AssetsUnavailable as error:
        sys.stderr.write(
            f"tasks.py: the design system's assets (GOV.UK Frontend, MOJ Frontend) are not in {ASSETS} and "
            f"could not be fetched: {error}.\nThe pages would be unstyled, so nothing was started. Connect to the "
            f"npm registry (or set NPM_CONFIG_REGISTRY to a mirror) and run the command again.\n")
        sys.exit(1)


# --- serve ------------------------------------------------------------------

def serve():
    set_up()
    port = os.environ.get("PORT", "5000")
    flask = str(VENV_BIN / "flask")
    env = venv_environment()
    # Links the line texts out (details pages, calendar feeds) should point at this server.
    env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    os.chdir(ROOT)
    run([flask, "--app", "emergency", "db", "upgrade"], env=env)
    run([flask, "--app", "emergency", "demo", "load"], env=env)
    # Commands typed in another shell (flask --app emergency phone text ...) read this server's
    # settings from here while it runs: its port in links, its waits. This process becomes the
    # server (execve keeps the pid).
    run([VENV_PYTHON, "-m", "config.serve_settings", ROOT / "instance", os.getpid()], env=env)
    print(f"Open http://127.0.0.1:{port}/ (console: http://127.0.0.1:{port}/console/, "
          f"API docs: http://127.0.0.1:{port}/api/docs)", flush=True)
    print("Commands in another shell (.venv/bin/flask --app emergency phone text ...) use this server's "
          "settings while it runs (instance/serve-settings.json).", flush=True)
    os.execve(flask, [flask, "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", port], env)


# --- throwaway PostgreSQL -----------------------------------------------------

def postgres_version(bin_dir):
    """(major, minor) from `postgres --version`, e.g. (15, 8)."""
    output = subprocess.run([os.path.join(bin_dir, "postgres"), "--version"],
                            capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else (0, 0)


def find_postgres_bin_dir():
    """The bin dir of the newest PostgreSQL server install, or None."""
    candidates = glob.glob("/usr/lib/postgresql/*/bin")
    pg_ctl_on_path = shutil.which("pg_ctl")
    if pg_ctl_on_path:
        # PATH often holds symlinks (/usr/local/bin/pg_ctl); the real dir has the rest.
        candidates.append(os.path.dirname(os.path.realpath(pg_ctl_on_path)))
    complete = {
        os.path.realpath(d) for d in candidates
        if all(os.access(os.path.join(d, name), os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))
    }
    return max(complete, key=postgres_version, default=None)


def free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_server_user(cmd):
    """PostgreSQL refuses to run as root, so root runs it as the postgres system user."""
    cmd = [str(part) for part in cmd]
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", PG_SYSTEM_USER, "--", *cmd]
    return ["su", PG_SYSTEM_USER, "-s", "/bin/sh", "-c", shlex.join(cmd)]


def run_quietly(cmd, **kwargs):
    """Run cmd with its output hidden unless it fails."""
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stdout.write(result.stdout + result.stderr)
        raise PostgresError(f"command failed (exit {result.returncode}): {shlex.join(cmd)}")


def log_tail(path, lines=40):
    try:
        return "".join(Path(path).read_text(errors="replace").splitlines(keepends=True)[-lines:])
    except OSError as error:
        return f"(no server log: {error})\n"


def give_data_dir_to_server_user(data_dir):
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        raise PostgresError(f"running as root but there is no '{PG_SYSTEM_USER}' system user to run PostgreSQL") from None
    shutil.chown(data_dir, user=PG_SYSTEM_USER)


def start_postgres(bin_dir, data_dir, port):
    if os.geteuid() == 0:
        give_data_dir_to_server_user(data_dir)
    # The server user may not be able to enter our cwd.
    cwd = os.path.dirname(data_dir)
    # --no-locale: the host's locale may be missing, and C collation sorts like SQLite.
    run_quietly(as_server_user([
        os.path.join(bin_dir, "initdb"), "-D", data_dir, "-A", "trust", "-U", PG_SUPERUSER,
        "--no-sync", "-E", "UTF8", "--no-locale",
    ]), cwd=cwd)
    server_options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data_dir} -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    log_file = os.path.join(data_dir, "server.log")
    try:
        run_quietly(as_server_user([
            os.path.join(bin_dir, "pg_ctl"), "-D", data_dir, "-w", "-t", "60",
            "-l", log_file, "-o", server_options, "start",
        ]), cwd=cwd)
    except PostgresError:
        sys.stdout.write(f"--- tail of {log_file} ---\n{log_tail(log_file)}")
        raise
    createdb = os.path.join(bin_dir, "createdb")
    if not os.access(createdb, os.X_OK):
        createdb = shutil.which("createdb") or createdb
    run_quietly([createdb, "-h", "127.0.0.1", "-p", str(port), "-U", PG_SUPERUSER, TEST_DB_NAME])


def stop_postgres(bin_dir, data_dir):
    # Ctrl-C during cleanup would leave a server running and the dir behind.
    previous_handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        # Harmless if the server never started.
        subprocess.run(
            as_server_user([os.path.join(bin_dir, "pg_ctl"), "-D", data_dir, "-m", "immediate", "-w", "stop"]),
            capture_output=True, cwd=os.path.dirname(data_dir),
        )
        shutil.rmtree(data_dir, ignore_errors=True)
    finally:
        signal.signal(signal.SIGINT, previous_handler)


@contextlib.contextmanager
def throwaway_postgres(bin_dir):
    """Yield the port of a fresh server that has an empty TEST_DB_NAME database."""
    # Under /tmp so the postgres system user can reach it when we are root.
    data_dir = tempfile.mkdtemp(prefix="emergency-pg-", dir="/tmp")
    port = free_loopback_port()
    try:
        start_postgres(bin_dir, data_dir, port)
        yield port
    finally:
        stop_postgres(bin_dir, data_dir)


# --- test -------------------------------------------------------------------

def chooses_workers(pytest_args):
    """Whether the pytest args already say how to spread the run (-n, --numprocesses, no xdist)."""
    return any(arg == "-n" or (arg.startswith("-n") and not arg.startswith("--")) or arg.startswith("--numprocesses")
               or arg.startswith("--dist") or arg in ("no:xdist", "-pno:xdist") for arg in pytest_args)


def pytest_command(pytest_args, measure_coverage=False):
    cmd = [str(VENV_PYTHON), "-m", "pytest"]
    if not chooses_workers(pytest_args):
        # One worker per core; the browser tests of a module share one server, so they stay together.
        cmd += ["-n", "auto", "--dist", "loadgroup"]
    if measure_coverage:
        # pytest-cov measures every worker and combines; the floor is checked by coverage_report.
        cmd += ["--cov", "--cov-report=", "--cov-fail-under=0"]
    return cmd + list(pytest_args)


def pytest_environment(database_url=None):
    env = venv_environment()
    env.pop("TEST_DATABASE_URL", None)
    if database_url:
        env["TEST_DATABASE_URL"] = database_url
    return env


def run_pytest(pytest_args, database_url=None, measure_coverage=False):
    cmd = pytest_command(pytest_args, measure_coverage)
    show_command(cmd)
    return subprocess.run(cmd, cwd=ROOT, env=pytest_environment(database_url)).returncode


def lint():
    """ruff, as configured in pyproject.toml: returns its exit code."""
    cmd = [str(VENV_BIN / "ruff"), "check", "."]
    show_command(cmd)
    return subprocess.run(cmd, cwd=ROOT, env=venv_environment()).returncode


def coverage_report():
    """Print the SQLite run's branch coverage; fails under the floor in pyproject.toml."""
    cmd = [str(VENV_PYTHON), "-m", "coverage", "report"]
    show_command(cmd)
    return subprocess.run(cmd, cwd=ROOT, env=venv_environment()).returncode


def describe_pytest_exit(code):
    if code == 0:
        return "passed"
    if code == PYTEST_NO_TESTS_COLLECTED:
        return "FAILED (no tests collected)"
    return f"FAILED (pytest exit code {code})"


class PostgresRun:
    """The suite on a throwaway PostgreSQL server, in the background. Alongside the SQLite run its
    output goes to a file that is printed whole when it is done, so that the two do not interleave."""

    def __init__(self, pytest_args, required, alongside=True):
        """alongside: other output goes on meanwhile, so this run's is kept and printed at the end."""
        self.pytest_args, self.required, self.alongside = pytest_args, required, alongside
        self.result = None
        self._stack = contextlib.ExitStack()
        self._process = None
        self._output = None

    def start(self):
        bin_dir = find_postgres_bin_dir()
        if bin_dir is None:
            print("PostgreSQL server binaries not found" + ("" if self.required else ": running on SQLite only"), flush=True)
            self.result = ("PostgreSQL", 1, "FAILED (server binaries not found, but PostgreSQL is required)") \
                if self.required else ("PostgreSQL", 0, "skipped (server binaries not found)")
            return
        self.label = f"PostgreSQL {postgres_version(bin_dir)[0]}"
        try:
            port = self._stack.enter_context(throwaway_postgres(bin_dir))
        except PostgresError as error:
            print(f"{self.label}: {error}", flush=True)
            self.result = (self.label, 1, "FAILED (server could not be started)")
            return
        header = f"== tests on {self.label} (127.0.0.1:{port}) =="
        url = f"postgresql+psycopg://{PG_SUPERUSER}@127.0.0.1:{port}/{TEST_DB_NAME}"
        cmd = pytest_command(self.pytest_args)
        if not self.alongside:
            print(header, flush=True)
            show_command(cmd)
            self._process = subprocess.Popen(cmd, cwd=ROOT, env=pytest_environment(url))
            return
        self.header = header
        self._output = self._stack.enter_context(tempfile.TemporaryFile(mode="w+", prefix="emergency-pg-tests-"))
        self._output.write("+ " + shlex.join(cmd) + "\n")
        self._output.flush()
        print(f"{self.label}: started on 127.0.0.1:{port}; its tests run alongside, their output follows", flush=True)
        self._process = subprocess.Popen(cmd, cwd=ROOT, env=pytest_environment(url), stdout=self._output,
                                         stderr=subprocess.STDOUT)

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def finish(self):
        """Wait for the run, print its output, stop the server; returns (label, exit code, description)."""
        try:
            if self._process is not None:
                code = self._process.wait()
                if self._output is not None:
                    self._output.seek(0)
                    print(f"\n{self.header}", flush=True)
                    shutil.copyfileobj(self._output, sys.stdout)
                    sys.stdout.flush()
                self.result = (self.label, code, describe_pytest_exit(code))
            return self.result
        finally:
            self.stop()

    def stop(self):
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._stack.close()


def test(args):
    sqlite_only = "--sqlite-only" in args
    postgres_only = "--postgres-only" in args
    if sqlite_only and postgres_only:
        usage_error("--sqlite-only and --postgres-only exclude each other")
    pytest_args = [arg for arg in args if arg not in ("--sqlite-only", "--postgres-only")]

    set_up()
    results = []
    print("\n== lint ==", flush=True)
    code = lint()
    results.append(("Lint (ruff)", code, "passed" if code == 0 else "FAILED"))
    postgres = None
    try:
        if not sqlite_only:
            print("\n== PostgreSQL ==", flush=True)
            postgres = PostgresRun(pytest_args, required=postgres_only or os.environ.get("REQUIRE_POSTGRES") == "1",
                                   alongside=not postgres_only)
            postgres.start()
        if not postgres_only:
            print("\n== tests on SQLite ==", flush=True)
            # Coverage is measured on the whole suite only: a chosen subset would fall under the floor.
            whole_suite = not pytest_args or all(arg.startswith("-") for arg in pytest_args)
            sqlite_args = pytest_args
            if whole_suite and postgres is not None and postgres.running():
                # What a browser sees (layout, scripts, accessibility, the security policy) does not
                # depend on the database, and the data behind every page is tested on both through
                # Flask's test client: the browser tests run once, against PostgreSQL.
                print("The browser tests run in the PostgreSQL run only.", flush=True)
                sqlite_args = [*pytest_args, f"--ignore={BROWSER_TESTS}"]
            code = run_pytest(sqlite_args, measure_coverage=whole_suite)
            results.append(("SQLite", code, describe_pytest_exit(code)))
            if whole_suite and code == 0:
                print("\n== coverage (SQLite run, branches included) ==", flush=True)
                code = coverage_report()
                results.append(("Coverage", code, "at or above the floor" if code == 0 else "FAILED (under the floor)"))
        if postgres is not None:
            results.append(postgres.finish())
    finally:
        if postgres is not None:
            postgres.stop()

    print("\n== summary ==")
    for label, _, description in results:
        print(f"{label}: {description}")
    return next((code for _, code, _ in results if code != 0), 0)


# --- command line -------------------------------------------------------------

def usage_error(message):
    sys.stderr.write(f"tasks.py: {message}\n{USAGE}")
    sys.exit(2)


def main(argv):
    if not argv:
        usage_error("missing command")
    command, args = argv[0], argv[1:]
    if command in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    if command == "serve":
        if args:
            usage_error(f"serve takes no arguments, got: {shlex.join(args)}")
        serve()
        return 0
    if command == "test":
        return test(args)
    if command == "assets":
        if args:
            usage_error(f"assets takes no arguments, got: {shlex.join(args)}")
        frontend_assets_or_exit()
        return 0
    usage_error(f"unknown command: {command}")


if __name__ == "__main__":
    # Turn SIGTERM (e.g. a cancelled CI job) into SystemExit so cleanup in finally blocks runs.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as error:
        sys.stderr.write(f"tasks.py: command failed (exit {error.returncode}): {shlex.join(map(str, error.cmd))}\n")
        sys.exit(error.returncode)
    except KeyboardInterrupt:
        sys.stderr.write("tasks.py: interrupted\n")
        sys.exit(130)
