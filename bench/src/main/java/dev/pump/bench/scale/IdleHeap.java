package dev.pump.bench.scale;

import dev.pump.bench.Results;
import dev.pump.bench.Stats;

/**
 * The idle-CPU baseline of the scale rows: a JVM that holds a heap like ours at N triggers and does
 * nothing else, no Vert.x, no thread of its own. What it burns is the JVM's own periodic work, which
 * grows with what the heap holds (at a million triggers, more than our event loops burn).
 *
 * <pre>IdleHeap N</pre>
 *
 * Holds N small object graphs, each an array of eight 16-long arrays (~1.2 KB, nine objects, about
 * what a trigger costs us), then measures as {@link Scale} does: {@code scale.idleheap.<n>.idleCpu}.
 */
public final class IdleHeap {

  private static final int ARRAYS_PER_GRAPH = 8;
  private static final int LONGS_PER_ARRAY = 16;

  static Object[] held;

  private IdleHeap() {
  }

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    String key = "scale.idleheap." + Scale.label(n);
    held = new Object[n];
    for (int i = 0; i < n; i++) {
      long[][] graph = new long[ARRAYS_PER_GRAPH][];
      for (int j = 0; j < ARRAYS_PER_GRAPH; j++) {
        graph[j] = new long[LONGS_PER_ARRAY];
      }
      held[i] = graph;
    }
    Results.put(key + ".heapTotalMiB", Stats.usedHeapAfterGc() / (1024.0 * 1024), "MiB held after GC");
    Scale.idleWindow(key);
    System.exit(0);
  }
}
