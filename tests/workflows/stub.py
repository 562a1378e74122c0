"""A recording stand-in for a command the pipelines call out to (`gh`, `npx`, `streamlit`,
and for GitLab `curl` and `apt-get`).

Installed on the PATH as `NAME` by a one-line wrapper (`exec python stub.py NAME "$@"`). Each
call appends one JSON line to `$STUB_DIR/calls.jsonl`: the command, its arguments, its working
directory, the bodies of the files it was given (`--body-file F`, `-F name=@F`,
`--data-urlencode name@F`) and which of the watched variables were set (never their values).
The output comes from `$STUB_DIR/responses.json`: a list of `{"command", "match" (a regex over the arguments joined by
spaces), "env" (variables that must have these values), "stdout", "exit", "output_file" (copied
to the `-o` argument)}`, the first that fits; none fits: no output, exit 0.
"""

import json
import os
import re
import sys
from pathlib import Path

WATCHED = ("GH_TOKEN", "GH_REPO", "RAILWAY_TOKEN")


def bodies(args: list[str]) -> dict[str, str]:
    found = {}
    for i, arg in enumerate(args):
        following = args[i + 1] if i + 1 < len(args) else ""
        if arg == "--body-file":
            found["body"] = Path(following).read_text()
        elif arg in ("-F", "--field") and "=@" in following:
            key, path = following.split("=@", 1)
            found[key] = Path(path).read_text()
        elif arg in ("--body", "-b", "--comment", "-c"):
            found[arg.lstrip("-")] = following
        elif arg == "--data-urlencode" and "@" in following.split("=", 1)[0]:
            key, path = following.split("@", 1)
            found[key] = Path(path).read_text()
    return found


def main() -> int:
    command, args = sys.argv[1], sys.argv[2:]
    directory = Path(os.environ["STUB_DIR"])
    call = {
        "command": command,
        "args": args,
        "cwd": os.getcwd(),
        "bodies": bodies(args),
        "env_set": sorted(name for name in WATCHED if os.environ.get(name)),
        "GH_REPO": os.environ.get("GH_REPO"),
    }
    with (directory / "calls.jsonl").open("a") as log:
        log.write(json.dumps(call) + "\n")
    responses = directory / "responses.json"
    joined = " ".join(args)
    for response in json.loads(responses.read_text()) if responses.exists() else []:
        if response.get("command", command) != command:
            continue
        if not re.search(response["match"], joined):
            continue
        if any(os.environ.get(k) != v for k, v in (response.get("env") or {}).items()):
            continue
        if "output_file" in response:
            # curl -o FILE: the response body written there.
            target = Path(args[args.index("-o") + 1])
            target.write_bytes(Path(response["output_file"]).read_bytes())
        sys.stdout.write(response.get("stdout", ""))
        return int(response.get("exit", 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
