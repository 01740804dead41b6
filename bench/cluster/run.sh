#!/usr/bin/env bash
# The cluster bench: cross-node fire delivery latency, printed next to the raw clustered event bus round trip
# measured in the same run (see ClusterBench.java). Failover (SIGKILL, silent cut) is bench/run's section
# failover: BENCH_ONLY=failover bench/run (root).
#
#   bench/cluster/run.sh                          builds the shaded jar into a build dir of its own, then runs
#   PUMP_JAR=target/vertx-pump.jar bench/cluster/run.sh --samples 1000
#
# Options: --samples N (500) --warmup N (100). MVN="mvn -o" builds offline.
# Needs ~1.5 GB of memory: 3 pump processes, an echo process and the driver. Takes 1-2 minutes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="${PUMP_JAR:-}"
if [ -z "$jar" ]; then
  build="${PUMP_BENCH_BUILD_DIR:-${TMPDIR:-/tmp}/vertx-pump-bench-cluster}"
  (cd "$root" && ${MVN:-mvn} -q package -DskipTests -Dpump.buildDir="$build")
  jar="$build/vertx-pump.jar"
fi
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
exec java -Xmx512m --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  -Dlogback.configurationFile="$here/logback.xml" -cp "$jar" "$here/ClusterBench.java" --jar "$jar" --src "$here/ClusterBench.java" "$@"
