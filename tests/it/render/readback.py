"""Reads rendered files back with the parsers Streamlit apps use; prints JSON on stdout.

check                      -> versions of toml, python-dotenv and streamlit
readback SECRETS ENV ...   -> for each pair: toml 0.10, tomllib and python-dotenv results
validate PROVIDER          -> streamlit.auth_util.validate_auth_credentials(PROVIDER) in the
                              current directory (which holds .streamlit/secrets.toml)
"""
import json
import sys


def check():
    import importlib.metadata as md

    import dotenv  # noqa: F401
    import streamlit  # noqa: F401
    import toml

    print(json.dumps({
        "toml": toml.__version__,
        "python-dotenv": md.version("python-dotenv"),
        "streamlit": md.version("streamlit"),
    }))


def attempt(parse):
    try:
        return {"ok": parse()}
    except Exception as err:  # any failure is a result to compare, not a crash
        return {"error": f"{type(err).__name__}: {err}"}


def readback(paths):
    import tomllib

    import dotenv
    import toml

    results = []
    for secrets, env in zip(paths[::2], paths[1::2]):
        def with_toml():
            with open(secrets, encoding="utf-8") as f:
                return toml.load(f)

        def with_tomllib():
            with open(secrets, "rb") as f:
                return tomllib.load(f)

        results.append({
            "toml": attempt(with_toml),
            "tomllib": attempt(with_tomllib),
            # dotenv_values interpolates like load_dotenv does.
            "dotenv": attempt(lambda: dotenv.dotenv_values(env)),
        })
    print(json.dumps(results))


def validate(provider):
    import toml

    with open(".streamlit/secrets.toml", encoding="utf-8") as f:
        toml.load(f)  # Streamlit < 1.5x loaded it with toml; it must parse there too
    from streamlit.auth_util import validate_auth_credentials
    from streamlit.errors import StreamlitAuthError

    try:
        validate_auth_credentials(provider)
    except StreamlitAuthError as err:
        print(json.dumps({"ok": False, "error": str(err)}))
        return
    print(json.dumps({"ok": True}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "check":
        check()
    elif command == "readback":
        readback(args)
    elif command == "validate":
        validate(args[0])
    else:
        sys.exit(f"unknown command {command}")
