"""A movable clock for integration tests: the server reads an offset (seconds) from the file
given to serve's hidden --clock-offset-file, and requests must be signed with the same shifted
time, or SigV4 refuses them as too far from the server's clock.

    class MyTest(MovableClock, GatehouseTestCase):
        def test_x(self):
            with self.clock_moved(16 * 24 * 3600):
                ...
"""
import contextlib
import datetime
import os
import sys
import types

import botocore.auth


class MovableClock:
    @classmethod
    def before_serve(cls):
        cls.clock_file = os.path.join(cls.data.name, "clock-offset")
        cls.clock_writes = 0
        cls.extra_args = list(cls.extra_args) + ["--clock-offset-file", cls.clock_file]

    @contextlib.contextmanager
    def clock_moved(self, seconds):
        """The server's clock and this process's SigV4 signing time, `seconds` ahead."""
        with open(self.clock_file, "w") as f:
            f.write("%d\n" % seconds)
        # The server reads the file again when its mtime changes: make every write distinct.
        type(self).clock_writes += 1
        os.utime(self.clock_file, ns=(self.clock_writes * 10**9, self.clock_writes * 10**9))

        class Shifted(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return datetime.datetime.utcnow() + datetime.timedelta(seconds=seconds)

            @classmethod
            def now(cls, tz=None):
                return datetime.datetime.now(tz) + datetime.timedelta(seconds=seconds)

        shim = types.ModuleType("datetime")
        shim.__dict__.update(datetime.__dict__)
        shim.datetime = Shifted
        # botocore signs in botocore.auth, or in botocore.crt.auth when awscrt is installed.
        signers = [m for m in (botocore.auth, sys.modules.get("botocore.crt.auth"))
                   if m is not None]
        # Newer botocore asks its compat.get_current_datetime, imported into the signer.
        originals = {m: getattr(m, "get_current_datetime", None) for m in signers}
        for module in signers:
            module.datetime = shim
            if originals[module] is not None:
                original = originals[module]
                module.get_current_datetime = (
                    lambda *a, _f=original, **k: _f(*a, **k) + datetime.timedelta(seconds=seconds))
        try:
            yield
        finally:
            for module in signers:
                module.datetime = datetime
                if originals[module] is not None:
                    module.get_current_datetime = originals[module]
            os.remove(self.clock_file)
