package dev.pump.trigger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Fires once, when it starts. The fire waits in each source until the source's pipeline is first
 * ready, so the cycle runs once the pipeline is ready. Unlike BSPump's, it does not stop the
 * application afterwards.
 */
public class RunOnceTrigger extends Trigger {

  private boolean fired;

  public RunOnceTrigger(TriggerRuntime runtime) {
    super(runtime, "runonce");
  }

  @Override
  public RunOnceTrigger withId(String id) {
    super.withId(id);
    return this;
  }

  @Override
  public Future<?> start() {
    if (!fired) {
      fired = true;
      fire(new JsonObject());
    }
    return Future.succeededFuture();
  }
}
