#!/usr/bin/env bash
# Consumes FuncNet as a user would (issue 14): packs, checks the packages' contents, then outside the source
# tree (a) a fresh console app adds the FuncNet package from the local feed only, builds and trains, and
# (b) an F# script under `dotnet fsi` does the same through #i/#r "nuget: ...". Each check prints PASS or
# FAIL; the last line is "consumer-check: N passed, N failed" (.ci/run adds it to its count).
#   scripts/consumer-check.sh [FEED]     FEED defaults to out/packages
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0
failed=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
finish() { echo "consumer-check: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

feed=${1:-out/packages}
if ! bash scripts/pack.sh "$feed"; then
  fail "scripts/pack.sh"
  finish
fi
pass "scripts/pack.sh"
feed=$(cd "$feed" && pwd)
version=$(dotnet msbuild src/FuncNet.Core/FuncNet.Core.csproj -getProperty:Version)

# --- The packages' contents: each library's dll and XML docs, the readme, symbols, versioned dependencies.
check_package() { # id, whether it holds an assembly, dependencies "id" that must be listed with a version
  local id=$1 library=$2; shift 2
  local nupkg="$feed/$id.$version.nupkg" problems=()
  if [ ! -f "$nupkg" ]; then fail "$id: $nupkg missing"; return; fi
  local files nuspec
  files=$(unzip -Z1 "$nupkg")
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  grep -qx "README.md" <<< "$files" || problems+=("no README.md")
  grep -q "<readme>README.md</readme>" <<< "$nuspec" || problems+=("the nuspec names no readme")
  grep -q '<license type="expression">' <<< "$nuspec" || problems+=("no licence expression")
  grep -q '<repository type="git"' <<< "$nuspec" || problems+=("no repository")
  grep -q "<description>." <<< "$nuspec" || problems+=("no description")
  if [ "$library" = yes ]; then
    grep -qx "lib/net10.0/$id.dll" <<< "$files" || problems+=("no lib/net10.0/$id.dll")
    grep -qx "lib/net10.0/$id.xml" <<< "$files" || problems+=("no XML docs lib/net10.0/$id.xml")
    [ -f "$feed/$id.$version.snupkg" ] || problems+=("no symbols package $id.$version.snupkg")
  fi
  local dep
  for dep in "$@"; do
    grep -Eq "<dependency id=\"$dep\" version=\"[0-9][^\"]*\"" <<< "$nuspec" || problems+=("no versioned dependency on $dep")
  done
  if [ ${#problems[@]} -eq 0 ]; then pass "package $id"; else fail "package $id: ${problems[*]}"; fi
}
check_package FuncNet.Core yes
check_package FuncNet.Backends yes FuncNet.Core System.Numerics.Tensors
check_package FuncNet.Linq yes FuncNet.Core
check_package FuncNet no FuncNet.Core FuncNet.Backends FuncNet.Linq FuncNet.Onnx
check_package FuncNet.Onnx yes FuncNet.Core OnnxSharp Google.Protobuf
check_package FuncNet.FSharp yes FuncNet.Core FuncNet.Linq FSharp.Core
check_package FuncNet.Testing yes FuncNet.Core FsCheck

# --- A user's machine: a folder outside the source tree, its own package cache (so the packages just built
# are restored, never an older copy of the same version), FuncNet* mapped to the local feed only and every
# other package to the sources this machine already has.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/packages"
sources=$(cd "$work" && dotnet nuget list source | sed -nE 's/^ *[0-9]+\. +(.+) \[Enabled\]$/\1/p')
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo "  <packageSources><add key=\"funcnet-local\" value=\"$feed\" /></packageSources>"
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="funcnet-local"><package pattern="FuncNet" /><package pattern="FuncNet.*" /></packageSource>'
  while read -r key; do
    [ -n "$key" ] && echo "    <packageSource key=\"$key\"><package pattern=\"*\" /></packageSource>"
  done <<< "$sources"
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} > "$work/nuget.config"

from_local_feed() { # the restored FuncNet packages (and any ids given) came from the feed folder
  local id
  for id in funcnet funcnet.core funcnet.backends funcnet.linq funcnet.onnx "$@"; do
    grep -q "\"source\": \"$feed" "$NUGET_PACKAGES/$id/$version/.nupkg.metadata" 2>/dev/null || return 1
  done
}

# (a) a console app: dotnet new, dotnet add package FuncNet, build, train.
app="$work/app"
if (cd "$work" && dotnet new console -o app -n ConsumerApp >/dev/null \
    && cd app && dotnet add package FuncNet --version "$version" >/dev/null \
    && cp "$root/scripts/consumer/Program.cs" Program.cs \
    && dotnet build -v quiet -nologo -warnaserror) > "$work/app.log" 2>&1; then
  pass "console app: dotnet add package FuncNet $version from the local feed, build"
  if from_local_feed; then pass "console app: FuncNet packages restored from $feed"; else fail "console app: FuncNet packages not restored from $feed"; fi
  if output=$(cd "$app" && dotnet run --no-build 2>&1); then
    pass "console app trains: $output"
  else
    fail "console app trains: $output"
  fi
else
  cat "$work/app.log"
  fail "console app: dotnet add package FuncNet $version, build"
fi

# (b) an F# script: #i "nuget: <feed>" then #r "nuget: FuncNet" (scripts/consumer/train.fsx).
script="$work/fsx/train.fsx"
mkdir -p "$work/fsx"
cp "$work/nuget.config" "$work/fsx/nuget.config"
{ echo "#i \"nuget: $feed\""; cat "$root/scripts/consumer/train.fsx"; } > "$script"
# Its own package cache, so that the script restores FuncNet through #i/#r rather than finding (a)'s copy.
export NUGET_PACKAGES="$work/fsx-packages"
if output=$(cd "$work/fsx" && timeout 600 dotnet fsi --quiet "$script" 2>&1); then
  pass "dotnet fsi with #r \"nuget: FuncNet\" trains: $output"
  if from_local_feed funcnet.fsharp; then pass "dotnet fsi: FuncNet packages restored from $feed"; else fail "dotnet fsi: FuncNet packages not restored from $feed"; fi
else
  fail "dotnet fsi with #r \"nuget: FuncNet\" trains: $output"
fi

finish
