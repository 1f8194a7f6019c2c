"""pgutil.py — one fresh database per test server in the throw-away cluster."""
import itertools
import os
import subprocess
import urllib.parse

_counter = itertools.count()


def admin_psql(admin_url, sql):
    p = subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"psql failed: {p.stderr}")
    return p.stdout


def new_database(admin_url):
    name = f"t{os.getpid()}_{next(_counter)}"
    admin_psql(admin_url, f"CREATE DATABASE {name}")
    u = urllib.parse.urlparse(admin_url)
    return urllib.parse.urlunparse(u._replace(path="/" + name))
