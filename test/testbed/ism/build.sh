#!/usr/bin/env bash
# Builds the OpenSearch index-management plugin (ISM) for the test bed from the source tarball beside this
# script and Maven Central alone (its own build needs Gradle and OpenSearch's build-tools, which Central
# does not serve): pom.xml compiles the Kotlin sources against the OpenSearch server jar, and this script
# lays the plugin folder out as OpenSearch's plugin installer would (jars, security policy, descriptor).
#
#   build.sh <opensearch-version> <output-dir>   -> <output-dir>/opensearch-index-management/
#
# About two minutes on two cores (the Kotlin compiler); test/testbed/ism.ts caches the result.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OPENSEARCH_VERSION="$1"
OUT="$2"
SOURCE="$DIR/ism-2.19.4.0-src.tar.gz"
NAME="opensearch-index-management"
# Central serves common-utils and the job-scheduler SPI only as 2.19.0.0 and 2.19.4.0 in the 2.19 line.
LIBS_VERSION="2.19.4.0"

command -v mvn > /dev/null || { echo "build.sh: needs mvn (Maven) on PATH" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/src" "$OUT/$NAME"
tar -xzf "$SOURCE" -C "$OUT/src"

nice mvn -B -q -f "$DIR/pom.xml" package \
  -Dism.src="$OUT/src" -Dism.out="$OUT" \
  -Dopensearch.version="$OPENSEARCH_VERSION" -Dplugin.version="$OPENSEARCH_VERSION.0" \
  -Dcommon-utils.version="$LIBS_VERSION" -Djob-scheduler.version="$LIBS_VERSION" \
  > "$OUT/maven.log" 2>&1 || { tail -40 "$OUT/maven.log" >&2; echo "build.sh: maven failed, see $OUT/maven.log" >&2; exit 1; }

PLUGIN="$OUT/$NAME"
cp "$OUT/maven/$NAME-$OPENSEARCH_VERSION.0.jar" "$OUT/maven/bundle/"*.jar "$PLUGIN/"
cp -r "$OUT/src/src/main/plugin-metadata/." "$PLUGIN/"
cp "$OUT/src/LICENSE" "$OUT/src/NOTICE" "$PLUGIN/"
cat > "$PLUGIN/plugin-descriptor.properties" <<DESCRIPTOR
description=OpenSearch Index Management Plugin
version=$OPENSEARCH_VERSION.0
name=$NAME
classname=org.opensearch.indexmanagement.IndexManagementPlugin
java.version=11
opensearch.version=$OPENSEARCH_VERSION
extended.plugins=opensearch-job-scheduler
has.native.controller=false
custom.foldername=
DESCRIPTOR
rm -rf "$OUT/src" "$OUT/maven"
