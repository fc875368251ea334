"""Node environments with `npm ci` from `package.json` and its lock, outside the project.

The packages go to a cached folder (the project is read in place); `NODE_PATH` and `PATH` point the
test command at them. Used when the project has no `node_modules` of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lockgate.testrun.interface import CreateRequest, EnvError, Environment
from lockgate.tools import proc

LOCKS = ("package-lock.json", "npm-shrinkwrap.json")


class NpmProvisioner:
    name = "npm"
    tool = "npm"
    install_hint = "install Node.js and npm (Debian: apt-get install npm)"
    makes_python = False

    def inputs(self, project: Path) -> tuple[str, ...]:
        if not (project / "package.json").is_file() or (project / "node_modules").is_dir():
            return ()
        locks = [name for name in LOCKS if (project / name).is_file()]
        return ("package.json", locks[0]) if locks else ()

    def create(self, req: CreateRequest) -> None:
        npm = proc.require(self.tool, self.install_hint)
        for name in req.inputs:
            shutil.copyfile(req.project / name, req.home / name)
        argv = [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(req.home)]
        done = proc.run(argv, cwd=req.home, timeout=req.timeout)
        with req.log.open("a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}\n")
        if done.timed_out or done.returncode != 0:
            raise EnvError(
                f"{done.describe()}\nfix: make `npm ci` work in the project "
                "(package.json and its lock must agree), or set [stages.test] create_env = false"
            )

    def environment(self, home: Path, inputs: tuple[str, ...]) -> Environment:
        modules = home / "node_modules"
        return Environment(
            python="",
            origin=f"node packages from npm ci ({inputs[1]})",
            path=(str(modules / ".bin"),),
            variables={"NODE_PATH": str(modules)},
        )


NPM = NpmProvisioner()
