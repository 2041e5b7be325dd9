#!/usr/bin/env bash
# Packs every project under src/ that opts in to packaging (<FuncNetPackage>true</FuncNetPackage>, see
# build/Packaging.props) into a local NuGet feed folder, Release, deterministic, with symbols (.snupkg).
#   scripts/pack.sh [FEED]      FEED defaults to out/packages (ignored by git)
# Then: dotnet add package FuncNet --source <FEED>   or, in F#:  #i "nuget: <FEED>"  #r "nuget: FuncNet"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

feed=${1:-out/packages}
mkdir -p "$feed"
feed=$(cd "$feed" && pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The repository address for the packages' metadata: the clone's "origin" when it has one.
repo_args=()
if url=$(git -C "$root" remote get-url origin 2>/dev/null); then
  repo_args=("-p:RepositoryUrl=$url")
fi

# Old builds of this version would shadow the new ones (same id and version), so the feed holds one set.
version=$(dotnet msbuild src/FuncNet.Core/FuncNet.Core.csproj -getProperty:Version)
rm -f "$feed"/FuncNet*."$version".nupkg "$feed"/FuncNet*."$version".snupkg

packed=0
for project in src/*/*.csproj src/*/*.fsproj; do
  [ -f "$project" ] || continue
  if [ "$(dotnet msbuild "$project" -getProperty:IsPackable)" != "true" ]; then
    continue
  fi
  echo "pack: $project"
  dotnet pack "$project" -c Release -o "$feed" -v quiet -nologo \
    -p:ContinuousIntegrationBuild=true "${repo_args[@]}"
  packed=$((packed + 1))
done

if [ "$packed" -eq 0 ]; then
  echo "pack: no project under src/ sets FuncNetPackage" >&2
  exit 1
fi
echo "pack: $packed packages (version $version) in $feed"
ls -1 "$feed" | grep -F ".$version." || true
