package dev.pump.trigger;

import dev.pump.trigger.CronSchedule.DstPolicy;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The schedules handed out by {@link CronSchedule#parse}, one per (trimmed expression, zone, daylight saving policy):
 * many triggers with few distinct schedules compile each once and share its kept offset period. Bounded, least
 * recently used first out.
 */
final class CronCache {

  private static final int SIZE = 512;
  private static final Map<Key, CronSchedule> SCHEDULES = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, CronSchedule> eldest) {
      return size() > SIZE;
    }
  };

  private CronCache() {
  }

  /**
   * @param compile builds the schedule when it is not cached; outside the lock, so a slow or failing compilation
   *     holds up no one (two threads may both compile; the first to finish is kept)
   * @return the cached or new schedule
   */
  static CronSchedule get(String expression, ZoneId zone, DstPolicy dst, Supplier<CronSchedule> compile) {
    Key key = new Key(expression, zone, dst);
    synchronized (SCHEDULES) {
      CronSchedule cached = SCHEDULES.get(key);
      if (cached != null) {
        return cached;
      }
    }
    CronSchedule schedule = compile.get();
    synchronized (SCHEDULES) {
      CronSchedule raced = SCHEDULES.putIfAbsent(key, schedule);
      return raced != null ? raced : schedule;
    }
  }

  private record Key(String expression, ZoneId zone, DstPolicy dst) {
  }
}
