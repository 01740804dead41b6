package dev.pump.bench.scale;

import java.util.Collections;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Not part of bench/run: the evidence for the 1M deploy. {@code PumpApplication.deployAll} adds
 * every deployed verticle to a {@link CopyOnWriteArrayList}, which copies the whole array on each
 * add: O(n^2) over a deploy, and past ~500k elements each copy is a humongous G1 allocation.
 * <pre>java -Xmx8g -cp "bench/target/classes" dev.pump.bench.scale.CopyOnWriteProbe</pre>
 */
public final class CopyOnWriteProbe {

  public static void main(String[] args) {
    for (int n : new int[] {100_000, 200_000}) {
      CopyOnWriteArrayList<Object> list = new CopyOnWriteArrayList<>();
      Object element = new Object();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        list.add(element);
      }
      System.out.printf("%d adds: %.2f s%n", n, (System.nanoTime() - t0) / 1e9);
    }
    for (int size : new int[] {400_000, 800_000}) {
      CopyOnWriteArrayList<Object> big = new CopyOnWriteArrayList<>(Collections.nCopies(size, new Object()));
      long t0 = System.nanoTime();
      for (int i = 0; i < 500; i++) {
        big.add(big);
      }
      System.out.printf("one add at %d elements: %.0f us%n", size, (System.nanoTime() - t0) / 1e3 / 500);
    }
  }
}
