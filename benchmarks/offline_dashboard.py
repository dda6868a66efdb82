"""Make the asv dashboard work without internet: vendor its JavaScript from the npm registry.

``asv publish`` writes an index.html that loads jQuery, Flot, Bootstrap and
friends from CDNs. Where only package registries are reachable those loads
fail and the page shows "Can not determine continental origin of swallow".
This script fetches the same libraries with ``npm pack`` (the npm registry),
copies them next to index.html and points the page at the local copies.

    asv publish && python benchmarks/offline_dashboard.py && asv preview
"""

import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

# CDN file name -> (npm package@version, path inside the package tarball).
VENDORED = {
    "jquery-3.3.1.min.js": ("jquery@3.3.1", "package/dist/jquery.min.js"),
    "jquery.flot.min.js": ("flot@0.8.3", "package/jquery.flot.js"),
    "jquery.flot.time.min.js": ("flot@0.8.3", "package/jquery.flot.time.js"),
    "jquery.flot.selection.min.js": ("flot@0.8.3", "package/jquery.flot.selection.js"),
    "jquery.flot.categories.min.js": ("flot@0.8.3", "package/jquery.flot.categories.js"),
    "jquery.flot.orderBars.js": ("flot-orderbars@1.0.0", "package/js/jquery.flot.orderBars.js"),
    "stupidtable.min.js": ("stupid-table-plugin@1.1.3", "package/stupidtable.min.js"),
    "md5.min.js": ("blueimp-md5@2.19.0", "package/js/md5.min.js"),
    "bootstrap.min.js": ("bootstrap@3.1.1", "package/dist/js/bootstrap.min.js"),
    "bootstrap.min.css": ("bootstrap@3.1.1", "package/dist/css/bootstrap.min.css"),
}

_REMOTE = re.compile(r'(src|href)="(https://[^"]+/([^/"]+))"(\s+integrity="[^"]*")?')


def fetch(spec, workdir):
    """The unpacked tarball of an npm package, fetched with ``npm pack``."""
    target = workdir / spec.replace("/", "_")
    if not target.exists():
        out = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
            check=True,
            capture_output=True,
            text=True,
        )
        tarball = workdir / json.loads(out.stdout)[0]["filename"]
        with tarfile.open(tarball) as archive:
            archive.extractall(target, filter="data")
    return target


def vendor(html_dir):
    index = html_dir / "index.html"
    text = index.read_text()
    vendor_dir = html_dir / "vendor"
    vendor_dir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (spec, member) in VENDORED.items():
            if name in text:
                shutil.copy(fetch(spec, pathlib.Path(tmp)) / member, vendor_dir / name)

    def local(match):
        attribute, name = match.group(1), match.group(3)
        return f'{attribute}="vendor/{name}"' if name in VENDORED else match.group(0)

    index.write_text(_REMOTE.sub(local, text))
    remaining = [m.group(2) for m in _REMOTE.finditer(index.read_text())]
    return remaining


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "html_dir", nargs="?", default=".asv/html", help="asv's html_dir (default: .asv/html)"
    )
    args = parser.parse_args(argv)
    if shutil.which("npm") is None:
        sys.exit("offline_dashboard: npm is needed (Debian: apt-get install npm)")
    remaining = vendor(pathlib.Path(args.html_dir))
    for url in remaining:
        print(f"still remote: {url}", file=sys.stderr)
    print(f"dashboard in {args.html_dir} now loads its scripts locally")


if __name__ == "__main__":
    main()
