#!/usr/bin/env bash
# The `credits` GitHub Action's install step (see action.yml): downloads the released binary
# for this runner from the action's own repository, checks its SHA-256 against the checksum
# published beside it, and puts it on PATH. A checksum that does not match stops the job.
#
# CREDITS_VERSION: a release tag (v0.1.0), or empty for the tag the action was used at
# (`uses: azure-credits/credits@v0.1.0`), or `latest`. ACTION_REPOSITORY: owner/name of the
# releases. CREDITS_BIN set: that binary is used as it is (nothing downloaded).
set -euo pipefail

if [ -n "${CREDITS_BIN:-}" ]; then
  echo "using $CREDITS_BIN"
  exit 0
fi

# `uses: ./` (the action in the workflow's own repository) has no action_repository.
repository=${ACTION_REPOSITORY:-${GITHUB_REPOSITORY:?the repository of the releases is not known}}
version=${CREDITS_VERSION:-}
if [ -z "$version" ]; then
  case "${ACTION_REF:-}" in
    v[0-9]*.[0-9]*.[0-9]*) version=$ACTION_REF ;;
    *)
      # Pinned to a commit (or a moving tag): the release of the version the action's own
      # files are, never whatever is latest.
      version="v$(sed -n 's/^version = "\(.*\)"/\1/p' "${GITHUB_ACTION_PATH:-.}/Cargo.toml" | head -n 1)"
      ;;
  esac
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  # The static build: it runs on any Linux, Alpine containers and old glibc included.
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  # Windows on Arm runs the x64 build.
  Windows/X64 | Windows/ARM64) target=x86_64-pc-windows-msvc ;;
  *)
    echo "::error title=credits action::no credits release for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}" >&2
    exit 2
    ;;
esac
case "$target" in
  *windows*) archive="azure-credits-$target.zip" ;;
  *) archive="azure-credits-$target.tar.xz" ;;
esac
if [ "$version" = latest ]; then
  base="https://github.com/$repository/releases/latest/download"
else
  base="https://github.com/$repository/releases/download/$version"
fi

dir="${RUNNER_TEMP:-$(mktemp -d)}/credits-$version-$target"
mkdir -p "$dir"
cd "$dir"
curl --fail --silent --show-error --location --retry 3 --proto '=https' -o "$archive" "$base/$archive"
curl --fail --silent --show-error --location --retry 3 --proto '=https' -o "$archive.sha256" "$base/$archive.sha256"
expected=$(cut -d ' ' -f 1 <"$archive.sha256")
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$archive" | cut -d ' ' -f 1)
else
  actual=$(shasum -a 256 "$archive" | cut -d ' ' -f 1)
fi
if [ "$expected" != "$actual" ]; then
  echo "::error title=credits action::$archive does not match its published SHA-256 ($actual, expected $expected)" >&2
  exit 1
fi
case "$archive" in
  *.zip) unzip -q -o "$archive" ;;
  *) tar -xJf "$archive" ;;
esac
# The known places (Windows' bash may find System32's find.exe before GNU find).
binary=""
for candidate in "$dir/azure-credits-$target/credits" "$dir/azure-credits-$target/credits.exe" \
  "$dir/credits.exe" "$dir/credits"; do
  if [ -f "$candidate" ]; then
    binary=$candidate
    break
  fi
done
if [ -z "$binary" ]; then
  echo "::error title=credits action::$archive holds no credits binary" >&2
  exit 1
fi
chmod +x "$binary"
dirname "$binary" >>"$GITHUB_PATH"
"$binary" --version
