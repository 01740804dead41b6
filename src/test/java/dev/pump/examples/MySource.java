package dev.pump.examples;

import dev.pump.pipeline.Pipeline;
import dev.pump.source.SourceRuntime;
import dev.pump.source.TriggerSource;
import dev.pump.trigger.TriggerEvent;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

// README: "Using triggers" and "Trigger with arguments"
public class MySource extends TriggerSource {

  public MySource(SourceRuntime app, Pipeline pipeline) {
    super(app, pipeline);
  }

  @Override
  protected void cycle(TriggerEvent event) throws Exception {
    // runs on a worker thread: blocking I/O is fine here
    JsonObject out = new JsonObject()
      .put("trigger", event.trigger())          // which trigger fired
      .put("args", event.args())                // webhook body, pub/sub message, manual fire body
      .put("timestamp", Instant.now().toString());
    process(out);                               // waits until the pipeline is ready
  }
}
