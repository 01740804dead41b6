package dev.pump.examples;

import dev.pump.PumpApplication;
import dev.pump.config.ConfigNode;
import dev.pump.config.TriggerConfig;
import dev.pump.config.TriggerKind;
import io.vertx.core.json.JsonObject;

import java.util.List;

// docs/java.md: "Your own kind" -- GitPushTrigger in YAML: { type: gitpush, id: pushes, path: /git/push }
public class GitPushKind implements TriggerKind<GitPushKind.Config, GitPushTrigger> {

  /** A validated entry. */
  public record Config(String id, String path) implements TriggerConfig {
    @Override
    public String type() {
      return "gitpush";
    }

    @Override
    public JsonObject toRedactedJson() {
      return new JsonObject().put("type", type()).put("id", id).put("path", path);
    }
  }

  @Override
  public String name() {
    return "gitpush";                                        // the YAML type
  }

  @Override
  public List<String> keys() {
    return List.of("path");                                  // besides type and id
  }

  @Override
  public Config bind(String id, ConfigNode node) {
    String path = node.string("path", "/git/push");          // a default; a non-string is reported
    if (path != null) {
      try {
        GitPushTrigger.requireValidPath(path);               // the trigger's own rule...
      } catch (IllegalArgumentException e) {
        node.problem("path", e.getMessage());                // ...reported at pipelines[i].triggers[j].path
        path = null;
      }
    }
    return id == null || path == null ? null : new Config(id, path);
  }

  @Override
  public GitPushTrigger create(PumpApplication app, Config config) {
    GitPushTrigger trigger = new GitPushTrigger(app, config.path());
    trigger.withId(config.id());
    return trigger;
  }

  @Override
  public Class<GitPushTrigger> triggerClass() {
    return GitPushTrigger.class;
  }

  @Override
  public String describe(GitPushTrigger trigger) {
    return "on each git push to POST " + trigger.path();     // shown on the dashboard
  }
}
