package dev.pump.http;

import dev.pump.pipeline.Pipeline;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The probes, each answered by vertx-health-check's {@link HealthCheckHandler}:
 * <ul>
 *   <li>{@code GET /health/live} (liveness): one check, {@code eventLoops} ({@link EventLoopsCheck}), UP while
 *       every event loop runs a task handed to it; never DOWN for a pipeline, a sink or the cluster, so an
 *       orchestrator restarting on it restarts only a process that is stuck;</li>
 *   <li>{@code GET /health/ready} (readiness), and {@code GET /health}, the same answer kept for
 *       compatibility: described below.</li>
 * </ul>
 * Readiness has one check per pipeline, named {@code pipeline.<id>}:
 * <ul>
 *   <li>UP when the pipeline is ready;</li>
 *   <li>DOWN otherwise, with {@code data}: {@code error} ({@code message}, {@code at}, {@code where}) when it
 *       is in the error state, {@code sinkFailing} ({@code message}, {@code at}: since when) while its
 *       sink's writes fail and are retried, {@code sinkTrouble} while the sink retries on its own,
 *       and {@code throttles} (who holds it) when it is throttled.</li>
 * </ul>
 * and, when the application keeps a fire journal, one named {@code journal} ({@link #journalStatus}):
 * DOWN while the journal cannot be written, since fires needing it are then refused with 503.
 * 200 when every check is UP, 503 otherwise; the body is the handler's JSON:
 * {@code {"status": "DOWN", "outcome": "DOWN", "checks": [{"id": "pipeline.p", "status": "DOWN",
 * "data": {...}}]}}. With no pipeline at all the answer is 200 {@code {"status": "UP", "outcome": "UP",
 * "checks": []}} (the handler itself would answer 204 without a body).
 *
 * <p>Pipelines are looked up at request time: one registered after {@link #mount} gets its check on the
 * next request. Not behind {@link ApiAuth}: a load balancer or orchestrator must reach it.
 */
final class HealthRoutes {

  static final String CHECK_PREFIX = "pipeline.";
  /** The name of the fire journal's check, when the application keeps one. */
  static final String JOURNAL_CHECK = "journal";
  /** The name of the optional cluster check. */
  static final String CLUSTER_CHECK = "cluster";

  private final PumpView view;
  private final HealthCheckHandler handler;
  private final boolean clustered;
  // guarded by this
  private final Set<String> registered = new HashSet<>();

  private HealthRoutes(Vertx vertx, PumpView view, Supplier<JsonObject> cluster) {
    this.view = view;
    this.handler = HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx));
    this.clustered = cluster != null;
    if (view.keepsFireJournal()) {
      handler.register(JOURNAL_CHECK, promise -> promise.complete(journalStatus(view)));
    }
    if (cluster != null) {
      handler.register(CLUSTER_CHECK, promise -> promise.complete(clusterStatus(cluster.get())));
    }
  }

  /** Mounts {@code /health/live}, {@code /health/ready} and {@code /health} for a node that is not clustered. */
  public static void mount(Router router, Vertx vertx, PumpView view) {
    mount(router, vertx, view, null);
  }

  /**
   * Like {@link #mount(Router, Vertx, PumpView)}, plus a check named {@code cluster}: UP while this node is
   * an active member of its cluster and (when the state has a {@code quorum}) sees a quorum, DOWN
   * otherwise; {@code data} holds {@code name}, {@code node}, {@code size} (members seen), {@code safe}
   * (every partition backed up; false for a moment after a member joins or leaves, which does not make
   * the check DOWN) and {@code quorum} ({@code required}, {@code present}, {@code since}).
   *
   * @param cluster the state of {@code GET /api/cluster} (needs {@code active}), asked on every request and
   *     never blocking; {@code null} when the node is not clustered (no check)
   */
  public static void mount(Router router, Vertx vertx, PumpView view, Supplier<JsonObject> cluster) {
    Objects.requireNonNull(router, "router");
    HealthRoutes routes = new HealthRoutes(Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(view, "view"),
      cluster);
    HealthCheckHandler live = HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx));
    // the check keeps its own, shorter deadline and says how many loops answered; this one is a backstop
    live.register(EventLoopsCheck.NAME, EventLoopsCheck.DEFAULT_DEADLINE.toMillis() + 1000,
      EventLoopsCheck.procedure(vertx, EventLoopsCheck.DEFAULT_DEADLINE));
    router.get("/health/live").handler(live);
    router.get("/health/ready").handler(routes::syncChecks).handler(routes.handler);
    router.get("/health").handler(routes::syncChecks).handler(routes.handler);
  }

  /**
   * UP with the journal's {@code dir}, {@code sizeBytes} and {@code backlog} while it can be written;
   * DOWN with its {@code error} and {@code failingSince} while writes fail (fires are refused then).
   */
  static Status journalStatus(PumpView view) {
    return view.fireJournal()
      .map(journal -> {
        JsonObject snapshot = journal.snapshot();
        return snapshot.getBoolean("writable") ? Status.OK(snapshot) : Status.KO(snapshot);
      })
      .orElseGet(() -> Status.KO(new JsonObject().put("error", "fire journal not open yet")));
  }

  static Status clusterStatus(JsonObject state) {
    JsonObject quorum = state.getJsonObject("quorum");
    JsonObject data = new JsonObject()
      .put("name", state.getString("name"))
      .put("node", state.getString("node"))
      .put("size", state.getInteger("size"))
      .put("safe", state.getBoolean("safe"));
    if (quorum != null) {
      data.put("quorum", quorum);
    }
    boolean quorumPresent = quorum == null || quorum.getBoolean("present", false);
    return state.getBoolean("active", false) && quorumPresent ? Status.OK(data) : Status.KO(data);
  }

  /** Gives every current pipeline its check and drops the checks of pipelines that are gone. */
  private void syncChecks(RoutingContext ctx) {
    List<Pipeline> pipelines = view.pipelines();
    if (pipelines.isEmpty() && !clustered) {
      HttpErrors.json(ctx.response(), 200,
        new JsonObject().put("status", "UP").put("checks", new JsonArray()).put("outcome", "UP"));
      return;
    }
    synchronized (this) {
      Set<String> current = new HashSet<>();
      for (Pipeline pipeline : pipelines) {
        String name = CHECK_PREFIX + pipeline.id();
        current.add(name);
        if (registered.add(name)) {
          handler.register(name, check(pipeline.id()));
        }
      }
      for (String name : Set.copyOf(registered)) {
        if (!current.contains(name)) {
          handler.unregister(name);
          registered.remove(name);
        }
      }
    }
    ctx.next();
  }

  /** Reads the pipeline afresh on every request, by id, so a replaced pipeline is never reported stale. */
  private Handler<Promise<Status>> check(String pipelineId) {
    return promise -> promise.complete(view.pipeline(pipelineId).map(HealthRoutes::status)
      .orElseGet(() -> Status.KO(new JsonObject().put("error", "pipeline '" + pipelineId + "' is gone"))));
  }

  /** From one snapshot, so that readiness, error and throttles are read together. */
  static Status status(Pipeline pipeline) {
    JsonObject snapshot = pipeline.snapshot();
    if (snapshot.getBoolean("ready", false)) {
      return Status.OK();
    }
    JsonObject data = new JsonObject();
    JsonObject error = snapshot.getJsonObject("error");
    if (error != null) {
      data.put("error", error);
    }
    JsonObject sinkFailing = snapshot.getJsonObject("sinkFailing");
    if (sinkFailing != null) {
      data.put("sinkFailing", sinkFailing);
    }
    String sinkTrouble = snapshot.getString("sinkTrouble");
    if (sinkTrouble != null) {
      data.put("sinkTrouble", sinkTrouble);
    }
    JsonArray throttles = snapshot.getJsonArray("throttles");
    if (throttles != null && !throttles.isEmpty()) {
      data.put("throttles", throttles);
    }
    return Status.KO(data);
  }
}
