package dev.pump.http;

import io.netty.util.NetUtil;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may call the management API ({@code /api/*}), as {@code http.apiToken} says:
 * <ul>
 *   <li>no token (null, empty or blank): only loopback callers (127.0.0.0/8, ::1, ::ffff:127.x.x.x)
 *       are answered, every other caller gets 403;</li>
 *   <li>a token: every caller, loopback included, must send {@code Authorization: Bearer <token>},
 *       else 401 with {@code WWW-Authenticate: Bearer}.</li>
 * </ul>
 * The caller is the TCP peer of the connection: {@code Forwarded} and {@code X-Forwarded-For} headers
 * are never believed, so behind a reverse proxy on the same host every request looks local: set a
 * token there.
 *
 * <p>The token is kept only as its SHA-256 digest and compared with {@link MessageDigest#isEqual}
 * on the digests, so the comparison takes the same time whatever the token's content or length. It
 * never appears in an answer, a log line or {@link #toString()}.
 */
public final class ApiAuth implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ApiAuth.class);

  static final String LOOPBACK_ONLY =
    "the management API answers only loopback callers unless http.apiToken is set";
  static final String MISSING_TOKEN = "the management API requires the header 'Authorization: Bearer <token>'";
  static final String WRONG_TOKEN = "invalid bearer token";

  private static final String BEARER = "Bearer ";

  /** SHA-256 of the token, or null: loopback only. */
  private final byte[] tokenDigest;
  /** The one path that also takes the token as {@code ?access_token=}, or null. */
  private final String queryTokenPath;

  private ApiAuth(byte[] tokenDigest, String queryTokenPath) {
    this.tokenDigest = tokenDigest;
    this.queryTokenPath = queryTokenPath;
  }

  /**
   * @param token the value of {@code http.apiToken}; {@code null}, empty or blank means "loopback
   *     callers only". Surrounding whitespace is ignored (an HTTP header cannot carry it anyway).
   */
  public static ApiAuth create(String token) {
    if (token == null || token.isBlank()) {
      return new ApiAuth(null, null);
    }
    return new ApiAuth(sha256(token.strip()), null);
  }

  /**
   * The same rules, where a request for {@code path} without an {@code Authorization} header may also
   * send the token as {@code ?access_token=<token>}, checked exactly as the header is: a browser's
   * {@code EventSource} cannot send headers, so the dashboard's event stream needs it. A URL can end up in a
   * proxy's log, so no other path takes it.
   */
  ApiAuth acceptingQueryTokenOn(String path) {
    return new ApiAuth(tokenDigest, Objects.requireNonNull(path, "path"));
  }

  /** @return whether callers must present a bearer token */
  boolean requiresToken() {
    return tokenDigest != null;
  }

  /** Lets the request through, or answers 401/403 with a JSON error. */
  @Override
  public void handle(RoutingContext ctx) {
    SocketAddress peer = ctx.request().connection().remoteAddress();
    String remoteIp = peer == null ? null : peer.hostAddress();
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization == null && queryTokenPath != null && queryTokenPath.equals(ctx.normalizedPath())) {
      String queryToken = ctx.queryParams().get("access_token");
      authorization = queryToken == null ? null : BEARER + queryToken;
    }
    Optional<Refusal> refusal = check(remoteIp, authorization);
    if (refusal.isEmpty()) {
      ctx.next();
      return;
    }
    Refusal r = refusal.get();
    LOG.debug("Refused {} {} from {}: {}", ctx.request().method(), ctx.request().path(), remoteIp, r.message());
    if (r.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vertx-pump\"");
    }
    HttpErrors.send(ctx, r.status(), r.message());
  }

  /**
   * The decision, apart from any request.
   *
   * @param remoteIp the caller's IP address as text ({@code 127.0.0.1}, {@code 0:0:0:0:0:0:0:1});
   *     {@code null} or a host name counts as not loopback
   * @param authorization the {@code Authorization} header, or {@code null}
   * @return empty when the caller may go on, else the status and message to answer
   */
  Optional<Refusal> check(String remoteIp, String authorization) {
    if (tokenDigest == null) {
      return isLoopback(remoteIp) ? Optional.empty() : Optional.of(new Refusal(403, LOOPBACK_ONLY));
    }
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of(new Refusal(401, MISSING_TOKEN));
    }
    byte[] given = sha256(authorization.substring(BEARER.length()).strip());
    return MessageDigest.isEqual(tokenDigest, given) ? Optional.empty() : Optional.of(new Refusal(401, WRONG_TOKEN));
  }

  /** Only IP literals are considered: no name is ever resolved. */
  static boolean isLoopback(String ip) {
    if (ip == null) {
      return false;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) {
      return false;
    }
    try {
      // an IPv4-mapped IPv6 address (::ffff:127.0.0.1) comes back as an Inet4Address
      return InetAddress.getByAddress(bytes).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return tokenDigest == null ? "ApiAuth[loopback callers only]" : "ApiAuth[bearer token]";
  }

  /** Why a caller is refused: 401 or 403, and the message of the JSON error. */
  record Refusal(int status, String message) {
  }
}
