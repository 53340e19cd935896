"""A vectors tree on disk: finding it, and trusting it only after its manifest checks out.

vectors/README.md: `manifest.json` lists every family file with its SHA-256,
its schema and case count, plus the format and generator versions. A tree is
used only when every rule below holds; the first broken rule raises a
`VectorsError` naming the manifest entry (or file) and the rule.
"""

import hashlib
import json
import os
import re
from pathlib import Path, PurePosixPath

from .errors import VectorsError

__all__ = ["VectorTree", "default_vectors_dir", "SUPPORTED_FORMAT_VERSIONS"]

SUPPORTED_FORMAT_VERSIONS = (1,)
MANIFEST = "manifest.json"
# Files a tree may hold besides the manifest and the files it lists.
UNLISTED_ALLOWED = {"README.md"}

_HEX64 = re.compile(r"[0-9a-f]{64}")
_FAMILY = re.compile(r"[a-z0-9][a-z0-9_]*")
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?")


def default_vectors_dir():
    """Where the vectors are when no folder is given.

    In order: `$NORMLAB_VECTORS`; the copy bundled into an installed package;
    the repository's `vectors/` when the package runs from a checkout.
    """
    here = Path(__file__).resolve().parent
    candidates = []
    if os.environ.get("NORMLAB_VECTORS"):
        candidates.append(Path(os.environ["NORMLAB_VECTORS"]))
    candidates += [here / "vectors", here.parent.parent / "vectors"]
    for candidate in candidates:
        if (candidate / MANIFEST).is_file():
            return candidate
    raise VectorsError("no vectors folder found: pass one, or set NORMLAB_VECTORS to a folder holding "
                       f"manifest.json (looked in: {', '.join(str(c) for c in candidates)})")


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_json(path, what=None):
    """Parse a JSON file; a VectorsError names it when it cannot be read or parsed."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VectorsError(f"{path}: {what or 'file'} not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise VectorsError(f"{path}: cannot read: {error}") from None
    except json.JSONDecodeError as error:
        raise VectorsError(f"{path}: not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None


def _check_relative_path(text, where, field):
    """A path inside the tree: relative, forward slashes, no `.`/`..` component, ends in .json."""
    if not isinstance(text, str) or not text:
        raise VectorsError(f"{where}: \"{field}\" must be a non-empty path string")
    if "\\" in text or "\x00" in text:
        raise VectorsError(f"{where}: \"{field}\" {text!r} must use forward slashes only")
    path = PurePosixPath(text)
    if path.is_absolute() or re.match(r"[A-Za-z]:", text):
        raise VectorsError(f"{where}: \"{field}\" {text!r} is absolute; paths are relative to the vectors folder")
    if any(part in ("", ".", "..") for part in text.split("/")):
        raise VectorsError(f"{where}: \"{field}\" {text!r} has an empty, '.' or '..' component; "
                           "paths must stay inside the vectors folder")
    if path.suffix != ".json":
        raise VectorsError(f"{where}: \"{field}\" {text!r} must name a .json file")
    return text


def _check_int(value, where, field):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise VectorsError(f"{where}: \"{field}\" must be a non-negative integer, not {value!r}")
    return value


class VectorTree:
    """A verified vectors folder: the manifest, its entries, and the family files they name.

    Construction checks the whole tree (a megabyte of JSON: milliseconds):
    the manifest's shape and versions, each entry's fields and path, every
    file's and schema's SHA-256, each family file's family, op, versions and
    case count against its entry, and that no file sits in the tree unlisted.
    """

    def __init__(self, root=None):
        self.root = Path(root) if root is not None else default_vectors_dir()
        if not self.root.is_dir():
            raise VectorsError(f"{self.root}: not a folder (the vectors folder holds {MANIFEST})")
        self.manifest_path = self.root / MANIFEST
        self.manifest = load_json(self.manifest_path, "manifest")
        self._check_manifest()
        self._families = {}

    # ------------------------------------------------------------------ manifest

    def _check_manifest(self):
        where = str(self.manifest_path)
        manifest = self.manifest
        if not isinstance(manifest, dict):
            raise VectorsError(f"{where}: the manifest must be a JSON object")
        version = manifest.get("formatVersion")
        if version not in SUPPORTED_FORMAT_VERSIONS or isinstance(version, bool):
            raise VectorsError(f"{where}: formatVersion {version!r} is not one this reader knows "
                               f"({', '.join(map(str, SUPPORTED_FORMAT_VERSIONS))})")
        generator = manifest.get("generator")
        if not (isinstance(generator, dict) and isinstance(generator.get("name"), str)
                and isinstance(generator.get("version"), str) and _VERSION.fullmatch(generator["version"])):
            raise VectorsError(f"{where}: \"generator\" must be {{\"name\": …, \"version\": \"MAJOR.MINOR.PATCH\"}}, "
                               f"not {generator!r}")
        self.generator = {"name": generator["name"], "version": generator["version"]}
        entries = manifest.get("files")
        if not isinstance(entries, list):
            raise VectorsError(f"{where}: \"files\" must be a list of entries")
        if _check_int(manifest.get("numberOfFiles"), where, "numberOfFiles") != len(entries):
            raise VectorsError(f"{where}: numberOfFiles {manifest['numberOfFiles']} but {len(entries)} entries listed")
        self.entries, seen_paths, seen_families, total = [], set(), set(), 0
        for position, entry in enumerate(entries):
            label = f"{where}: files[{position}]"
            if not isinstance(entry, dict):
                raise VectorsError(f"{label}: an entry must be a JSON object")
            path = _check_relative_path(entry.get("path"), label, "path")
            label = f"{where}: files[{position}] ({path})"
            for field in ("family", "op", "sha256", "schema", "schemaSha256"):
                if field not in entry:
                    raise VectorsError(f"{label}: missing \"{field}\"")
            family = entry["family"]
            if not isinstance(family, str) or not _FAMILY.fullmatch(family):
                raise VectorsError(f"{label}: \"family\" must be a lowercase name, not {family!r}")
            if PurePosixPath(path).stem != family:
                raise VectorsError(f"{label}: the file name must be the family name ({family}.json)")
            if not isinstance(entry["op"], str) or not entry["op"]:
                raise VectorsError(f"{label}: \"op\" must be a non-empty string")
            for field in ("sha256", "schemaSha256"):
                if not isinstance(entry[field], str) or not _HEX64.fullmatch(entry[field]):
                    raise VectorsError(f"{label}: \"{field}\" must be 64 lowercase hex digits")
            schema = _check_relative_path(entry["schema"], label, "schema")
            count = _check_int(entry.get("numberOfTests"), label, "numberOfTests")
            if path in seen_paths or path == MANIFEST:
                raise VectorsError(f"{label}: path listed twice")
            if family in seen_families:
                raise VectorsError(f"{label}: family {family} listed twice")
            seen_paths.add(path)
            seen_families.add(family)
            total += count
            self._check_file(self.root / path, entry["sha256"], label, "file")
            self._check_file(self.root / schema, entry["schemaSha256"], label, "schema")
            self.entries.append(dict(entry))
        if _check_int(manifest.get("numberOfTests"), where, "numberOfTests") != total:
            raise VectorsError(f"{where}: numberOfTests {manifest['numberOfTests']} but the entries sum to {total}")
        self._check_unlisted()

    def _check_file(self, path, digest, label, what):
        resolved_root = self.root.resolve()
        if not path.is_file():
            raise VectorsError(f"{label}: {what} {path} is missing")
        if resolved_root not in path.resolve().parents:
            raise VectorsError(f"{label}: {what} {path} resolves outside the vectors folder")
        if _sha256(path) != digest:
            raise VectorsError(f"{label}: {what} {path} does not match its SHA-256 in {MANIFEST} "
                               "(edited or truncated)")

    def _check_unlisted(self):
        listed = {MANIFEST} | UNLISTED_ALLOWED
        for entry in self.entries:
            listed.update((entry["path"], entry["schema"]))
        for path in sorted(self.root.rglob("*")):
            if path.is_dir():
                continue
            relative = path.relative_to(self.root).as_posix()
            if relative not in listed:
                raise VectorsError(f"{path}: in the vectors folder but not listed in {MANIFEST} "
                                   "(every file must be listed with its SHA-256)")

    # ------------------------------------------------------------------ families

    def family_names(self):
        """The families of the tree, in manifest order."""
        return [entry["family"] for entry in self.entries]

    def entry(self, name):
        """The manifest entry of a family, by family name or file path."""
        for entry in self.entries:
            if name in (entry["family"], entry["path"]):
                return entry
        raise VectorsError(f"{self.root}: no family {name!r} in {MANIFEST} (families: {', '.join(self.family_names())})")

    def family_data(self, name):
        """A family file's JSON, checked against its manifest entry and the manifest's versions."""
        entry = self.entry(name)
        path = self.root / entry["path"]
        data = load_json(path)
        where = str(path)
        if not isinstance(data, dict):
            raise VectorsError(f"{where}: a family file must be a JSON object")
        for field, expected in (("family", entry["family"]), ("op", entry["op"]), ("schema", entry["schema"]),
                                ("formatVersion", self.manifest["formatVersion"]), ("generator", self.generator)):
            if data.get(field) != expected:
                raise VectorsError(f"{where}: \"{field}\" is {data.get(field)!r} but {MANIFEST} says {expected!r}")
        groups = data.get("testGroups")
        if not isinstance(groups, list):
            raise VectorsError(f"{where}: \"testGroups\" must be a list")
        count = 0
        for position, group in enumerate(groups):
            if not isinstance(group, dict) or not isinstance(group.get("tests"), list):
                raise VectorsError(f"{where}: testGroups[{position}] must be an object with a \"tests\" list")
            if group.get("source") != self.generator:
                raise VectorsError(f"{where}: testGroups[{position}] source {group.get('source')!r} "
                                   f"differs from the generator {self.generator!r} in {MANIFEST}")
            count += len(group["tests"])
        for declared, label in ((data.get("numberOfTests"), "the file"), (entry["numberOfTests"], MANIFEST)):
            if declared != count:
                raise VectorsError(f"{where}: {label} declares {declared!r} cases but the file holds {count}")
        return data
