package dev.pump.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How an enum constant is written outside Java, in the configuration, the API and the logs:
 * {@code CLUSTER_ONCE} is {@code cluster-once}. Written and read here only, with {@link Locale#ROOT}
 * (a Turkish default locale would otherwise spell {@code I} as a dotless {@code ı}).
 */
public final class Spellings {

  private Spellings() {
  }

  /** @return the outside spelling of {@code constant}: lower case, {@code _} as {@code -} */
  public static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @return the outside spellings of every constant of {@code type}, in declaration order */
  public static <E extends Enum<E>> List<String> all(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Spellings::of).toList();
  }

  /** @return the constant of {@code type} spelled {@code text} exactly as {@link #of(Enum)} writes it */
  public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String text) {
    return Arrays.stream(type.getEnumConstants()).filter(c -> of(c).equals(text)).findFirst();
  }
}
