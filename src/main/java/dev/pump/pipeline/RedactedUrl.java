package dev.pump.pipeline;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A URL as it may be shown (logs, error messages, the API, {@code /health}): without its user-info
 * ({@code user:pass@}) and without the values of query parameters whose names look secret
 * ({@code api_key}, {@code token}, {@code key}, {@code secret}, {@code password}, {@code sig},
 * {@code auth}, ...). The host, path and other parameters stay, so that the operator still sees
 * which endpoint is meant.
 */
public final class RedactedUrl {

  /** What replaces a hidden part. */
  public static final String MASK = "***";

  /** Scheme and authority up to the last '@' before the path: the user-info is what the '@' ends. */
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");
  /** User-info of a URL anywhere in a text. */
  private static final Pattern USER_INFO_IN_TEXT = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s@]*@");
  /** A query parameter anywhere in a text: after '?' or '&', up to '&', '#', a space or a quote. */
  private static final Pattern PARAMETER_IN_TEXT = Pattern.compile("([?&])([^=&\\s#?]+)=([^&\\s#\"']*)");
  /** A parameter name holding one of these (any case, any separator around it) has its value hidden. */
  private static final Pattern SECRET_NAME = Pattern.compile(
    "key|token|secret|pass|pwd|sig|auth|cred|session|jwt|bearer|private");

  private RedactedUrl() {
  }

  /** @return {@code url} with user-info and secret-looking query values replaced by {@value #MASK} */
  public static String of(String url) {
    if (url == null) {
      return null;
    }
    String shown = USER_INFO.matcher(url).replaceFirst("$1" + Matcher.quoteReplacement(MASK) + "@");
    int query = shown.indexOf('?');
    if (query < 0) {
      return shown;
    }
    int fragment = shown.indexOf('#', query);
    String end = fragment < 0 ? "" : shown.substring(fragment);
    String[] parameters = shown.substring(query + 1, fragment < 0 ? shown.length() : fragment).split("&", -1);
    StringBuilder out = new StringBuilder(shown.length()).append(shown, 0, query + 1);
    for (int i = 0; i < parameters.length; i++) {
      String parameter = parameters[i];
      int equals = parameter.indexOf('=');
      String name = equals < 0 ? parameter : parameter.substring(0, equals);
      if (i > 0) {
        out.append('&');
      }
      if (equals >= 0 && SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).find()) {
        out.append(name).append('=').append(MASK);
      } else {
        out.append(parameter);
      }
    }
    return out.append(end).toString();
  }

  /**
   * @return {@code text} with every occurrence of {@code url} replaced by its redacted form, and
   *     any other user-info or secret-looking query value in it hidden too (a client's message may
   *     quote only part of the URL: "while executing POST /in?api_key=... for server ...")
   */
  public static String in(String text, String url) {
    if (text == null) {
      return null;
    }
    String shown = url == null || url.isEmpty() ? text : text.replace(url, of(url));
    return scrub(shown);
  }

  /** @return {@code text} with user-info after any {@code scheme://} and secret-looking query values hidden */
  static String scrub(String text) {
    if (text == null) {
      return null;
    }
    String shown = USER_INFO_IN_TEXT.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
    Matcher parameter = PARAMETER_IN_TEXT.matcher(shown);
    StringBuilder out = new StringBuilder(shown.length());
    while (parameter.find()) {
      String name = parameter.group(2);
      String replacement = SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).find()
        ? parameter.group(1) + name + "=" + MASK : parameter.group();
      parameter.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    parameter.appendTail(out);
    return out.toString();
  }
}
