#!/usr/bin/env python3
"""run.py — runs the HTTP test modules given (default: all tests/http/test_*.py).

Each module gets one fresh server (module.setup() -> Server) shared by its tests,
unless the module defines its own setup/teardown.  Prints one line per test and
ends with "N passed, N failed".  Exits 1 on any failure."""
import glob
import importlib.util
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402


def load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    harness.TESTS.clear()
    spec.loader.exec_module(mod)
    return mod, list(harness.TESTS)


def main():
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "test_*.py")))
    only = os.environ.get("NADIYA_TEST_ONLY")
    passed = failed = 0
    sanitizer_reports = 0
    for path in paths:
        mod, tests = load(path)
        if only:
            tests = [t for t in tests if only in t.__name__]
            if not tests:
                continue
        label = os.path.basename(path)
        try:
            ctx = mod.setup() if hasattr(mod, "setup") else harness.Server()
        except Exception:
            print(f"{label}: setup FAILED")
            traceback.print_exc()
            failed += len(tests)
            continue
        for t in tests:
            t0 = time.time()
            try:
                t(ctx)
                ok = True
            except Exception as e:  # noqa: BLE001
                ok = False
                err = e
                tb = traceback.format_exc()
            name = f"{label}::{t.__name__}"
            print(f"{name:<72} {'ok' if ok else 'FAILED'} ({time.time() - t0:.2f}s)", flush=True)
            if ok:
                passed += 1
            else:
                failed += 1
                print("  " + str(err)[:3000].replace("\n", "\n  "))
                if os.environ.get("NADIYA_TEST_VERBOSE"):
                    print(tb)
        logs = mod.teardown(ctx) if hasattr(mod, "teardown") else ctx.cleanup()
        if isinstance(logs, str) and ("AddressSanitizer" in logs or "LeakSanitizer" in logs
                                      or "runtime error:" in logs):
            sanitizer_reports += 1
            failed += 1
            print(f"{label}: sanitizer report in the server log FAILED")
            idx = max(logs.find("Sanitizer"), logs.find("runtime error:"))
            print("  " + logs[max(0, idx - 200): idx + 3000].replace("\n", "\n  "))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
