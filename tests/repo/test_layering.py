"""The module dependency direction (src/layering.txt) holds for every #include under src/."""
import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "src")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_layering(path):
    """Returns the modules in their order and, for each, the set it may include."""
    order, allowed = [], {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            module, sep, deps = line.partition(":")
            if not sep:
                raise ValueError(f"{path}:{number}: expected `module: dependencies`")
            module = module.strip()
            names = deps.split()
            allowed[module] = set(order) if names == ["*"] else set(names)
            order.append(module)
    return order, allowed


def includes(module):
    """Yields (file, line number, included path) for every quoted include of a module."""
    for folder, _, files in os.walk(os.path.join(SRC, module)):
        for name in sorted(files):
            if not name.endswith((".h", ".cc", ".def")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    match = INCLUDE.match(line)
                    if match:
                        yield os.path.relpath(path, ROOT), number, match.group(1)


def violations(order, allowed):
    """Every include under src/ that the table does not allow, as readable lines."""
    found = []
    for module in order:
        for path, number, included in includes(module):
            if ".." in included.split("/"):
                found.append(f"{path}:{number}: includes {included} by a relative path")
                continue
            if "/" not in included:
                continue  # a file of the same folder
            target = included.split("/", 1)[0]
            if target != module and target not in allowed[module]:
                found.append(f"{path}:{number}: {module} may not include {included}")
    return found


class Layering(unittest.TestCase):
    def setUp(self):
        self.order, self.allowed = read_layering(os.path.join(SRC, "layering.txt"))

    def test_the_table_points_one_way(self):
        for i, module in enumerate(self.order):
            for dep in self.allowed[module]:
                self.assertIn(dep, self.order[:i],
                              f"{module} may use {dep}, which is not listed above it")

    def test_every_module_is_in_the_table(self):
        folders = sorted(d for d in os.listdir(SRC) if os.path.isdir(os.path.join(SRC, d)))
        self.assertEqual(sorted(self.order), folders)

    def test_includes_follow_the_table(self):
        found = violations(self.order, self.allowed)
        self.assertEqual(found, [], "\n".join(found))

    def test_a_violation_is_caught(self):
        # The check itself: a table that allows nothing reports, among others, services' use
        # of the store.
        found = violations(self.order, {module: set() for module in self.order})
        self.assertTrue(any(" services may not include store/" in line for line in found))


if __name__ == "__main__":
    unittest.main()
